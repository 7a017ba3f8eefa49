package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input that cannot hurt: hostile runbooks and environment files (endless devices, huge files, huge
 * step lists, deep nesting, aliases, paths given as environment names) each get exit 2 with a clear
 * message and no stack trace. The inputs are generated here; nothing big is committed.
 */
class HostileInputTest {
    private static final String OK = """
            apiVersion: cutover/v1
            name: small
            params:
              v: { type: string, default: "x" }
            steps:
              - id: touch
                uses: shell.exec
                with: { command: [true] }
                no_undo: "nothing changes"
            """;

    @TempDir
    Path dir;

    private static CliRun cli(String... args) {
        return CliRun.withEnv(Map.of(), args);
    }

    private static void assertRefused(CliRun r, String message) {
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains(message), "says '" + message + "': " + r.err());
        assertTrue(r.err().contains("nothing was run"), r.err());
        assertNoStackTrace(r);
    }

    private static void assertNoStackTrace(CliRun r) {
        assertFalse(r.all().contains("\tat ") || r.all().contains("Exception") || r.all().contains("Error:"),
                "no stack trace or exception name: " + r.all());
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void anEndlessDeviceAsTheRunbookIsRefusedBySize() {
        assertRefused(cli("validate", "/dev/zero"), "the runbook is larger than 4 MiB");
    }

    @Test
    void anEndlessDeviceAsTheEnvironmentFileIsRefusedBySize() throws IOException {
        Path rb = write("ok.yaml", OK);
        assertRefused(cli("validate", rb.toString(), "--env-file", "/dev/zero"),
                "the environment file is larger than 4 MiB");
    }

    @Test
    void aRunbookJustOverTheLimitIsRefusedBeforeItIsParsed() throws IOException {
        Path rb = dir.resolve("big.yaml");
        byte[] head = (OK + "description: \"").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[4 * 1024 * 1024 + 1];
        java.util.Arrays.fill(all, (byte) 'a');
        System.arraycopy(head, 0, all, 0, head.length);
        Files.write(rb, all);
        assertRefused(cli("validate", rb.toString()), "the runbook is larger than 4 MiB");
    }

    @Test
    void aVeryLongLineIsRefusedWithItsLineNumber() throws IOException {
        String value = "a".repeat(3 * 1024 * 1024);
        Path rb = write("one-line.yaml", OK + "description: \"" + value + "\"\n");
        assertRefused(cli("validate", rb.toString()), "one-line.yaml:10:65537: line 10 is longer than 64 KiB");
    }

    @Test
    void aValueOfNearlyFourMebibytesOverManyLinesIsChecked() throws IOException {
        String line = "a".repeat(1000);
        StringBuilder folded = new StringBuilder("description: >\n");
        while (folded.length() < 4 * 1024 * 1024 - OK.length() - 2000) {
            folded.append("  ").append(line).append('\n');
        }
        Path rb = write("folded.yaml", OK + folded);
        CliRun r = cli("validate", rb.toString());
        assertEquals(0, r.exit(), r.err());
        StringBuilder refs = new StringBuilder("description: >\n");
        while (refs.length() < 3 * 1024 * 1024) {
            refs.append("  ").append("${params.v ".repeat(80)).append('\n');
        }
        Path unclosed = write("unclosed.yaml", OK + refs);
        CliRun u = cli("validate", unclosed.toString());
        assertEquals(0, u.exit(), u.all());
    }

    @Test
    void aProblemQuotesAMegabyteValueOnlyInPart() throws IOException {
        String digits = String.join("\\\n      ", java.util.Collections.nCopies(1500, "1".repeat(1000)));
        Path rb = write("timeout.yaml", OK.replace("    no_undo:", "    timeout: \"" + digits + "x\"\n    no_undo:"));
        CliRun r = cli("validate", rb.toString());
        assertRefused(r, "is not valid for timeout");
        assertTrue(r.err().length() < 5_000, "shortened: " + r.err().length() + " characters");
        assertTrue(r.err().contains("more characters) ..."), r.err());
    }

    @Test
    void aConditionNestedTooDeeplyIsAProblemNotAStackOverflow() throws IOException {
        Path rb = write("when.yaml", OK.replace("    no_undo:", "    when: \"" + "(".repeat(3000) + "true"
                + ")".repeat(3000) + "\"\n    no_undo:"));
        assertRefused(cli("validate", rb.toString()), "condition does not parse: it is longer than 4096 characters");
        Path deep = write("when-deep.yaml", OK.replace("    no_undo:", "    when: \"" + "(".repeat(500) + "true"
                + ")".repeat(500) + "\"\n    no_undo:"));
        assertRefused(cli("validate", deep.toString()), "it nests brackets more than 64 deep");
    }

    @Test
    void yamlAliasesAndAnchorsAreRefusedWithTheirPosition() throws IOException {
        Path rb = write("alias.yaml", """
                apiVersion: cutover/v1
                name: alias
                steps:
                  - id: backup
                    uses: shell.exec
                    with: { command: &restore [sh, -c, 'cp app.conf.bak app.conf'] }
                    undo: { uses: shell.exec, with: { command: *restore } }
                """);
        CliRun r = cli("validate", rb.toString());
        assertTrue(r.err().startsWith("2 problems"), "only the anchor and the alias: " + r.err());
        assertRefused(r, "alias.yaml:6:22: YAML anchor '&restore' is not supported in a runbook");
        assertTrue(r.err().contains("alias.yaml:7:48: YAML alias '*restore' is not supported in a runbook"), r.err());
        Path scalar = write("scalar-alias.yaml", """
                apiVersion: cutover/v1
                name: alias
                params:
                  cmd: { type: string, default: &c restore }
                steps:
                  - id: undo-me
                    uses: shell.exec
                    with: { command: [sh, -c, *c] }
                    no_undo: "x"
                """);
        assertRefused(cli("validate", scalar.toString()), "YAML alias '*c' is not supported");
        Path env = write("env-alias.yaml", "v: &x one\nw: *x\n");
        assertRefused(cli("validate", write("ok.yaml", OK).toString(), "--env-file", env.toString()),
                "YAML alias '*x' is not supported");
    }

    @Test
    void envTakesANameNotAPath() throws IOException {
        Path rb = write("ok.yaml", OK);
        Path outside = write("outside.yaml", "v: from-outside\n");
        Files.createDirectories(dir.resolve("environments"));
        write("environments/prod.yaml", "v: prod\n");
        for (String bad : List.of("../outside", "../../etc/passwd", "/tmp/x", "a/b", "..", "prod/../prod", "")) {
            assertRefused(cli("validate", rb.toString(), "--env", bad), "--env takes an environment name");
        }
        assertEquals(0, cli("validate", rb.toString(), "--env", "prod").exit());
        assertEquals(0, cli("validate", rb.toString(), "--env-file", outside.toString()).exit());
        assertRefused(cli("validate", rb.toString(), "--env", "prod", "--env-file", outside.toString()),
                "--env and --env-file were both given");
        CliRun drift = cli("drift", rb.toString(), "--env", "../outside", "--env", "prod");
        assertEquals(2, drift.exit(), drift.all());
        assertTrue(drift.err().contains("--env takes an environment name"), drift.err());
    }

    @Test
    void fortyThousandStepsAreValidated() throws IOException {
        StringBuilder sb = new StringBuilder("apiVersion: cutover/v1\nname: many\nsteps:\n");
        for (int i = 0; i < 40_000; i++) {
            sb.append("  - {id: s").append(i).append(", uses: shell.exec, with: {command: [true]}, no_undo: x}\n");
        }
        Path rb = write("many.yaml", sb.toString());
        CliRun r = cli("validate", rb.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("40000 steps"), r.out());
    }

    @Test
    void fortyThousandStepsWithUndosAndRollbackReferencesAreLinted() throws IOException {
        StringBuilder sb = new StringBuilder("apiVersion: cutover/v1\nname: many\nsteps:\n");
        for (int i = 0; i < 20_000; i++) {
            sb.append("  - {id: s").append(i).append(", uses: shell.exec, with: {command: [rm, /tmp/f").append(i)
                    .append("]}, undo: {uses: shell.exec, with: {command: [cat, /tmp/f").append(i + 1)
                    .append(", \"${steps.s").append(i).append(".stdout}\"]}}}\n");
        }
        sb.append("rollback:\n");
        for (int i = 0; i < 2_000; i++) {
            sb.append("  - {id: r").append(i).append(", uses: shell.exec, with: {command: [echo, \"${steps.s")
                    .append(i).append(".stdout}\"]}}\n");
        }
        Path rb = write("many-undo.yaml", sb.toString());
        CliRun r = cli("validate", rb.toString());
        assertTrue(r.exit() == 0 || r.exit() == 2, r.all());
        assertNoStackTrace(r);
    }

    @Test
    void deepNestingIsRefusedWithoutAStackOverflow() throws IOException {
        Path rb = write("deep.yaml", OK + "description: " + "[".repeat(200_000) + "]".repeat(200_000) + "\n");
        CliRun r = cli("validate", rb.toString());
        assertEquals(2, r.exit(), r.all());
        assertNoStackTrace(r);
        Path maps = write("deep-maps.yaml", OK + "description: " + "{a: ".repeat(100_000) + "1"
                + "}".repeat(100_000) + "\n");
        CliRun m = cli("validate", maps.toString());
        assertEquals(2, m.exit(), m.all());
        assertNoStackTrace(m);
        StringBuilder block = new StringBuilder(OK + "description:\n");
        for (int i = 0; i < 2000; i++) {
            block.append(" ".repeat(i + 2)).append("a:\n");
        }
        Path indented = write("deep-block.yaml", block.append(" ".repeat(2002)).append("1\n").toString());
        CliRun b = cli("validate", indented.toString());
        assertRefused(b, "the document nests more than 1000 levels deep");
        assertTrue(b.err().matches("(?s).*deep-block\\.yaml:10\\d\\d:\\d+: .*"), "names the line: " + b.err());
    }

    @Test
    void invalidUtf8IsRefused() throws IOException {
        Path rb = dir.resolve("latin1.yaml");
        Files.write(rb, (OK + "description: caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));
        assertRefused(cli("validate", rb.toString()), "not valid UTF-8");
        Path env = dir.resolve("env.yaml");
        Files.write(env, "v: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertRefused(cli("validate", write("ok.yaml", OK).toString(), "--env-file", env.toString()),
                "not valid UTF-8");
    }

    @Test
    void aDirectoryOrAMissingFileIsRefusedClearly() throws IOException {
        assertRefused(cli("validate", dir.toString()), "cannot read the runbook");
        Path rb = write("ok.yaml", OK);
        assertRefused(cli("validate", rb.toString(), "--env-file", dir.resolve("nope.yaml").toString()),
                "no such environment file");
    }
}
