package dev.cutover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README: "Options on every command: --state-dir, --output text|json, --verbose, --no-color". */
class GlobalOptionsEverywhereTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private List<List<String>> globals() {
        return List.of(List.of("--state-dir", dir.resolve("state").toString()), List.of("--output", "json"),
                List.of("--output", "text"), List.of("--verbose"), List.of("-v"), List.of("--no-color"),
                List.of("--state", "none"));
    }

    @Test
    void everySubcommandAcceptsEveryGlobalOption() {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String command : CutoverCli.commandNames()) {
            if (command.equals("help")) {
                continue;
            }
            for (List<String> option : globals()) {
                List<String> args = new ArrayList<>(List.of(command));
                args.addAll(option);
                args.add("--help");
                CliRun r = CliRun.of(args.toArray(String[]::new));
                checked++;
                if (r.exit() != 0 || r.err().contains("Unknown option") || r.err().contains("Unmatched argument")) {
                    failures.add(String.join(" ", args) + " -> exit " + r.exit() + ": " + r.err());
                }
            }
        }
        assertTrue(checked >= 17 * 6, "only " + checked + " combinations checked");
        assertEquals(List.of(), failures);
    }

    @Test
    void schemaRunsWithAllGlobalOptions() {
        CliRun plain = CliRun.of("schema");
        CliRun r = CliRun.of("schema", "--state-dir", dir.toString(), "--output", "json", "--verbose", "--no-color");
        assertEquals(0, r.exit(), r.all());
        assertEquals(plain.out(), r.out());
        assertTrue(r.out().contains("\"$schema\""), r.out());
    }

    @Test
    void keygenRunsWithAllGlobalOptions() {
        Path keys = dir.resolve("keys");
        CliRun r = CliRun.of("keygen", "--out", keys.toString(), "--state-dir", dir.toString(), "--output", "json",
                "--verbose", "--no-color");
        assertEquals(0, r.exit(), r.all());
        assertTrue(Files.isRegularFile(keys.resolve(dev.cutover.journal.SealKeys.PUBLIC_FILE)), r.all());
    }

    @Test
    void reportOutputJsonMeansFormatJsonAndAConflictingFormatIsRefused() throws Exception {
        Path state = dir.resolve("state");
        String id = ReportCommandTest.run(dir, state, ReportCommandTest.runbook(0, 0), 0);

        CliRun json = CliRun.of("report", id, "--output", "json", "--state-dir", state.toString());
        assertEquals(0, json.exit(), json.all());
        assertEquals("cutover.report/v1", JSON.readTree(json.out()).get("schema").asText());
        CliRun both = CliRun.of("report", id, "--output", "json", "--format", "json", "--state-dir", state.toString());
        assertEquals(0, both.exit(), both.all());
        assertEquals(json.out(), both.out());

        CliRun text = CliRun.of("report", id, "--state-dir", state.toString());
        assertEquals(0, text.exit(), text.all());
        assertFalse(text.out().trim().startsWith("{"), text.out());

        Path out = dir.resolve("r.md");
        CliRun conflict = CliRun.of("report", id, "--output", "json", "--format", "md", "--out", out.toString(),
                "--state-dir", state.toString());
        assertEquals(2, conflict.exit(), conflict.all());
        assertTrue(conflict.err().contains("--output json") && conflict.err().contains("--format"), conflict.err());
        assertFalse(Files.exists(out));
    }
}
