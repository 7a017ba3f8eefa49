package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cutover steps TYPE}: one type in full, and an example runbook that {@code cutover validate} accepts. */
class StepsCommandTest {

    @Test
    void showsOneTypeWithInputsOutputsTraitsAndAnExample() {
        CliRun r = CliRun.of("steps", "file.write");
        assertEquals(0, r.exit(), r.all());
        String out = r.out();
        assertTrue(out.startsWith("file.write  (mutating, built-in undo, probe)  from built-in\n"), out);
        assertTrue(out.contains("    template: path  a template file, relative to the runbook"), out);
        assertTrue(out.contains("  outputs (${steps.ID.outputs.NAME}):\n    path: string"), out);
        assertTrue(out.contains("    sha256_after: string"), out);
        assertTrue(out.contains("  traits: uses:host-files"), out);
        assertTrue(out.contains("    steps:\n      - id: file-write\n        uses: file.write\n"), out);
    }

    @Test
    void anUnknownTypeIsInvalidInputNamingItsFamily() {
        CliRun r = CliRun.of("steps", "file.wirte");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("no step type 'file.wirte' is installed; file.* types: "), r.err());
        assertTrue(r.err().contains("file.write"), r.err());
    }

    @Test
    void everyInstalledTypesExampleValidates(@TempDir Path dir) throws Exception {
        CliRun all = CliRun.of("steps", "--output", "json");
        assertEquals(0, all.exit(), all.all());
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (JsonNode t : new ObjectMapper().readTree(all.out()).get("step_types")) {
            String id = t.get("id").asText();
            CliRun one = CliRun.of("steps", id, "--output", "json");
            assertEquals(0, one.exit(), one.all());
            String example = new ObjectMapper().readTree(one.out()).get("example").asText();
            Path file = dir.resolve(id + ".yaml");
            Files.writeString(file, example);
            CliRun v = CliRun.of("validate", file.toString());
            if (v.exit() != 0) {
                failures.add(id + " (exit " + v.exit() + "):\n" + example + v.all());
            }
            checked++;
        }
        assertTrue(checked >= 30, "types checked: " + checked);
        assertEquals(List.of(), failures);
    }
}
