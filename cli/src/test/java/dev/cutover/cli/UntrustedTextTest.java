package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Text cutover does not control (a step's output, an operator's flag, an environment file) cannot
 * rewrite the operator's terminal, inject markup into a report, or make an error message echo a secret.
 */
class UntrustedTextTest {
    /** Return to column 0, erase the line, move up one line, and print a forged verdict. */
    private static final String FORGERY = "\r\u001b[2K\u001b[1A\u001b[32m  [ ok ] everything SUCCEEDED\u001b[0m";

    @TempDir
    Path dir;

    @Test
    void stepOutputCannotRewriteTheTerminalOrLandRawInAReport() throws Exception {
        Path rb = Files.writeString(dir.resolve("forge.yaml"), """
                apiVersion: cutover/v1
                name: forge
                steps:
                  - id: forger
                    uses: shell.exec
                    with: { command: [sh, -c, 'printf "$F" >&2; exit 1'], env: { F: '%s' } }
                    no_undo: "test"
                """.formatted(FORGERY.replace("\u001b", "\\033").replace("\r", "\\r")));
        String s = dir.resolve("state").toString();
        CliRun run = CliRun.of("run", rb.toString(), "--yes", "--state-dir", s, "--no-color", "--output", "json",
                "--ticket", "<iframe src=\"https://evil.example/\"></iframe> [click](javascript:alert(1))");
        assertTrue(run.exit() == 1 || run.exit() == 4, run.all());
        assertFalse(run.all().contains("\u001b") || run.all().contains("\r"), "no control characters: " + run.all());
        assertTrue(run.all().contains("\\x1B[2K\\x1B[1A\\x1B[32m  [ ok ] everything SUCCEEDED"),
                "shown escaped: " + run.all());
        String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out()).get("run_id").asText();
        for (String format : List.of("md", "html", "json")) {
            Path out = dir.resolve("report." + format);
            CliRun rep = CliRun.of("report", id, "--format", format, "--out", out.toString(), "--state-dir", s);
            assertEquals(0, rep.exit(), rep.all());
            String text = Files.readString(out);
            assertFalse(text.contains("\u001b") || text.contains("\r"), format + " has no raw control characters");
            if (!format.equals("json")) { // JSON carries the text as data, escaped by its reader
                assertFalse(text.contains("<iframe"), format + " has no markup from --ticket: " + text);
            }
        }
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("&lt;iframe src=\"https://evil.example/\"&gt;"), md);
        assertTrue(md.contains("\\[click\\](javascript:alert(1))"), md);
        assertTrue(md.contains("\\x1B[2K"), md);
    }

    @Test
    void aSecretLiteralInAnEnvironmentFileIsRefusedWithoutEchoingAnyOfIt() throws Exception {
        Path rb = Files.writeString(dir.resolve("s.yaml"), """
                apiVersion: cutover/v1
                name: secret-literal
                params:
                  pw: { type: secret, required: true }
                steps:
                  - id: use
                    uses: shell.exec
                    with: { command: [true], env: { P: "${params.pw}" } }
                    no_undo: "test"
                """);
        for (String literal : List.of("hunter2:correct-horse", "vault-x9:battery", "env:not a name!", "s3cr3t")) {
            Path env = Files.writeString(dir.resolve("prod.yaml"), "pw: \"" + literal + "\"\n");
            for (String cmd : List.of("validate", "plan")) {
                CliRun r = CliRun.withEnv(Map.of(), cmd, rb.toString(), "--env-file", env.toString(),
                        "--state-dir", dir.resolve("state").toString());
                assertEquals(2, r.exit(), r.all());
                for (String piece : List.of(literal, literal.substring(0, 5), literal.substring(literal.length() - 5))) {
                    assertFalse(r.all().contains(piece), cmd + " echoes '" + piece + "': " + r.all());
                }
                assertTrue(r.err().contains("prod.yaml:1:1"), r.err());
            }
        }
    }
}
