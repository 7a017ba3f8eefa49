package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void aSingleValueOfNearlyFourMebibytesIsCheckedInOnePass() throws IOException {
        String value = "a".repeat(4 * 1024 * 1024 - OK.length() - 100);
        Path rb = write("one-value.yaml", OK + "description: \"" + value + "\"\n");
        CliRun r = cli("validate", rb.toString());
        assertEquals(0, r.exit(), r.err());
        Path ref = write("one-ref.yaml", OK.replace("[true]", "[echo, \"" + "${params.v}".repeat(300_000) + "\"]"));
        CliRun refs = cli("validate", ref.toString(), "--allow", "shell-interpolation");
        assertTrue(refs.exit() == 0 || refs.exit() == 2, refs.all());
        assertNoStackTrace(refs);
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
