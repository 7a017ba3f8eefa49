package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cutover steps} shows what every installed step type outputs, as the reference check reads it. */
class StepOutputsTest {

    @Test
    void everyInstalledStepTypeDeclaresDescribedOutputsAndStepsListsThem() throws Exception {
        CliRun json = CliRun.of("steps", "--output", "json");
        assertEquals(0, json.exit(), json.all());
        JsonNode types = new ObjectMapper().readTree(json.out()).get("step_types");
        assertTrue(types.size() >= 25, json.out());
        List<String> undeclared = new ArrayList<>();
        for (JsonNode t : types) {
            String id = t.path("id").asText();
            if (t.path("outputs").isEmpty()) {
                undeclared.add(id);
            }
            for (JsonNode o : t.path("outputs")) {
                assertTrue(Set.of("string", "integer", "number", "boolean", "list", "map", "any")
                        .contains(o.path("type").asText()), id + ": " + o);
                assertFalse(o.path("description").asText().isBlank(), id + ": " + o);
            }
        }
        assertEquals(List.of(), undeclared, "step types that declare no outputs");

        CliRun text = CliRun.of("steps");
        assertEquals(0, text.exit(), text.all());
        String shell = text.out().substring(text.out().indexOf("shell.exec  ("));
        shell = shell.substring(0, shell.indexOf("\n", shell.indexOf("json: any")));
        assertTrue(shell.contains("    outputs:\n      exit_code: integer  the command's exit code"), shell);
        assertTrue(shell.contains("      json: any  only with parse: json"), shell);
    }
}
