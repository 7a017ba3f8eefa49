package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsAndVerifyTest {
    private static final String CANARY = "canary-7f3a9c-secret";

    @TempDir
    Path dir;

    private Path secretRunbook() throws IOException {
        String yaml = """
                apiVersion: cutover/v1
                name: secrets
                params:
                  password: { type: secret, from: env:DB_PASSWORD }
                  out: { type: path, required: true }
                steps:
                  - id: use-secret
                    uses: shell.exec
                    with:
                      command: [sh, -c, 'echo "connecting with $PW"; echo "$PW" > "$OUT"; echo "auth failed for $PW" >&2']
                      env: { PW: "${params.password}", OUT: "${params.out}" }
                    no_undo: test
                validate:
                  - id: check
                    uses: shell.exec
                    revalidate: true
                    with:
                      readonly: true
                      command: [sh, -c, 'echo "still $PW"; exit 1']
                      env: { PW: "prefix-${params.password}" }
                """;
        Path p = dir.resolve("secrets.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void secretsNeverReachTheJournalOrTheConsole() throws Exception {
        Path rb = secretRunbook();
        Path out = dir.resolve("child-saw");
        CliRun r = CliRun.withEnv(Map.of("DB_PASSWORD", CANARY), "run", rb.toString(), "--yes", "--no-color",
                "--state-dir", dir.resolve("state").toString(), "--set", "out=" + out);
        assertEquals(4, r.exit(), "validation keeps failing after rollback: " + r.all());
        assertEquals(CANARY, Files.readString(out).trim(), "the child process must receive the secret");
        assertFalse(r.all().contains(CANARY), r.all());
        CliRun json = CliRun.withEnv(Map.of("DB_PASSWORD", CANARY), "run", rb.toString(), "--yes", "--output", "json",
                "--state-dir", dir.resolve("state").toString(), "--set", "out=" + out);
        assertFalse(json.all().contains(CANARY), json.all());
        List<Path> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f);
                if (text.contains(CANARY)) {
                    leaks.add(f);
                }
                if (f.getFileName().toString().equals("journal.jsonl")) {
                    assertTrue(text.contains("***"), "masked values are recorded as ***");
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    @Test
    void secretsCannotBeSetOnTheCommandLine() throws Exception {
        Path rb = secretRunbook();
        CliRun r = CliRun.of("validate", rb.toString(), "--set", "password=" + CANARY, "--set", "out=/tmp/x");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("secrets cannot be given on the command line"), r.err());
        assertFalse(r.all().contains(CANARY));
    }

    @Test
    void verifyPassesOnARealJournalAndFailsAfterAnyEdit() throws Exception {
        Path rb = dir.resolve("ok.yaml");
        Files.writeString(rb, TraceRunbooks.header() + "steps:\n" + TraceRunbooks.step("a", "a", 0,
                TraceRunbooks.undo("undo-a", 0)) + TraceRunbooks.step("b", "b", 1, TraceRunbooks.undo("undo-b", 0)));
        Path state = dir.resolve("state");
        CliRun r = CliRun.of("run", rb.toString(), "--yes", "--output", "json", "--state-dir", state.toString(),
                "--set", "trace=" + dir.resolve("t"));
        assertEquals(1, r.exit(), r.all());
        String runId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("run_id").asText();
        CliRun ok = CliRun.of("verify", runId, "--state-dir", state.toString());
        assertEquals(0, ok.exit(), ok.all());
        assertTrue(ok.out().contains("final status ROLLED_BACK"), ok.out());

        Path journal = state.resolve("runs").resolve(runId).resolve("journal.jsonl");
        byte[] original = Files.readAllBytes(journal);
        byte[] edited = original.clone();
        int at = new String(original, java.nio.charset.StandardCharsets.UTF_8).indexOf("undo-a");
        edited[at] = 'U';
        Files.write(journal, edited);
        CliRun bad = CliRun.of("verify", journal.toString());
        assertNotEquals(0, bad.exit());
        assertTrue(bad.err().contains("TAMPERED") && bad.err().contains("line "), bad.err());

        List<String> lines = new ArrayList<>(List.of(new String(original, java.nio.charset.StandardCharsets.UTF_8)
                .split("\n")));
        lines.remove(3);
        Files.writeString(journal, String.join("\n", lines) + "\n");
        CliRun removed = CliRun.of("verify", state.resolve("runs").resolve(runId).toString());
        assertEquals(1, removed.exit());
        assertTrue(removed.err().contains("line 4"), removed.err());
    }

    @Test
    void runsListsRecentRuns() throws Exception {
        Path rb = dir.resolve("ok.yaml");
        Files.writeString(rb, TraceRunbooks.header() + "steps:\n" + TraceRunbooks.step("a", "a", 0,
                TraceRunbooks.undo("undo-a", 0)));
        Path state = dir.resolve("state");
        assertEquals(0, CliRun.of("run", rb.toString(), "--yes", "--state-dir", state.toString(), "--set",
                "trace=" + dir.resolve("t"), "--operator", "carol").exit());
        CliRun runs = CliRun.of("runs", "--state-dir", state.toString());
        assertTrue(runs.out().contains("trace") && runs.out().contains("SUCCEEDED") && runs.out().contains("carol"),
                runs.out());
    }

    @Test
    void stepsAndSchemaDescribeTheContract() throws Exception {
        CliRun steps = CliRun.of("steps");
        assertTrue(steps.out().matches("(?s).*shell\\.exec  \\([^)]*mutating[^)]*\\).*"), steps.out());
        assertTrue(steps.out().contains("command: list, required"), steps.out());
        CliRun schema = CliRun.of("schema");
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(schema.out());
        assertEquals("cutover/v1", node.at("/properties/apiVersion/const").asText());
    }
}
