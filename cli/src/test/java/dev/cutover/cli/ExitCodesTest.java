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

/** Exit codes of the paths that end with a typed {@link ExitException}: the code, the message, the stream. */
class ExitCodesTest {
    @TempDir
    Path dir;

    @Test
    void theMapperGivesEachTypeItsDocumentedCode() {
        assertEquals(2, ExitException.MAPPER.getExitCode(new ExitException.InvalidInput("x")));
        assertEquals(5, ExitException.MAPPER.getExitCode(new ExitException.Refused(null)));
        assertEquals(70, ExitException.MAPPER.getExitCode(new IllegalStateException("bug")));
    }

    @Test
    void picocliParseErrorsStayInvalidInput() {
        CliRun unknown = CliRun.of("plan", "rb.yaml", "--yes");
        assertEquals(2, unknown.exit(), unknown.all());
        assertTrue(unknown.err().startsWith("Unknown option: '--yes'"), unknown.err());
        CliRun missing = CliRun.of("keygen");
        assertEquals(2, missing.exit(), missing.all());
        assertTrue(missing.err().startsWith("Missing required option: '--out=DIR'"), missing.err());
        CliRun noCommand = CliRun.of("frobnicate");
        assertEquals(2, noCommand.exit(), noCommand.all());
    }

    @Test
    void aRunThatDoesNotExistIsInvalidInputForEveryCommandThatNamesOne() {
        Path state = dir.resolve("state");
        List<List<String>> commands = List.of(
                List.of("report", "nope"),
                List.of("export", "nope", "--out", dir.resolve("x.zip").toString()),
                List.of("verify", "nope"),
                List.of("approve", "nope", "--step", "s", "--key", dir.resolve("k.pem").toString()),
                List.of("resume", "nope", "--yes"),
                List.of("rollback", "nope", "--reason", "r", "--yes"));
        for (List<String> c : commands) {
            for (String output : List.of("text", "json")) {
                String[] args = java.util.stream.Stream.concat(c.stream(),
                        java.util.stream.Stream.of("--state-dir", state.toString(), "--output", output))
                        .toArray(String[]::new);
                CliRun r = CliRun.of(args);
                assertEquals(2, r.exit(), c + ": " + r.all());
                assertTrue(r.err().startsWith("cutover: no run 'nope'"), c + ": " + r.err());
                assertEquals(1, r.err().lines().count(), c + ": " + r.err());
                assertEquals("", r.out(), c + " printed on stdout");
            }
        }
        assertFalse(Files.exists(dir.resolve("x.zip")));
    }

    @Test
    void anUnreadableSigningKeyIsInvalidInputAndNothingRuns() throws Exception {
        Path state = dir.resolve("state");
        Path rb = TraceRunbooks.write(dir, "rb.yaml", ReportCommandTest.runbook(0, 0));
        Path missing = dir.resolve("no-such-key.pem");
        CliRun r = CliRun.withEnv(Map.of("DB_PASSWORD", "pw"), "run", rb.toString(), "--yes", "--state-dir",
                state.toString(), "--set", "trace=" + dir.resolve("trace"), "--sign-key", missing.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().startsWith("cutover: cannot read the signing key: "), r.err());
        assertTrue(r.err().contains("; nothing was run."), r.err());
        assertFalse(Files.exists(dir.resolve("trace")), "a step ran");
        assertFalse(Files.exists(state.resolve("runs")) && Files.list(state.resolve("runs")).findAny().isPresent(),
                "a run was journaled");

        CliRun fromEnv = CliRun.withEnv(Map.of("DB_PASSWORD", "pw", "CUTOVER_SIGN_KEY", missing.toString()), "run",
                rb.toString(), "--yes", "--state-dir", state.toString(), "--set", "trace=" + dir.resolve("trace"));
        assertEquals(2, fromEnv.exit(), fromEnv.all());
        assertTrue(fromEnv.err().startsWith("cutover: cannot read the signing key: "), fromEnv.err());

        String id = ReportCommandTest.run(dir, state, ReportCommandTest.runbook(0, 0), 0);
        Path recorded = dir.resolve("rb-0.yaml");
        // (resume is refused first here: the run's recorded pid is this JVM, which is alive)
        for (List<String> c : List.of(List.of("rollback", id, "--reason", "r", "--yes"))) {
            String[] args = java.util.stream.Stream.concat(c.stream(), java.util.stream.Stream.of("--runbook",
                    recorded.toString(), "--state-dir", state.toString(), "--sign-key", missing.toString()))
                    .toArray(String[]::new);
            CliRun rec = CliRun.withEnv(Map.of("DB_PASSWORD", ReportCommandTest.CANARY), args);
            assertEquals(2, rec.exit(), c + ": " + rec.all());
            assertTrue(rec.err().contains("cutover: cannot read the signing key: "), c + ": " + rec.err());
        }
    }

    @Test
    void aStateDirectoryThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        Path rb = TraceRunbooks.write(dir, "rb.yaml", ReportCommandTest.runbook(0, 0));
        for (List<String> command : List.of(List.of("run", "--yes"), List.of("plan"))) {
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of(rb.toString(),
                    "--state-dir", file.toString(), "--set", "trace=" + dir.resolve("trace"))).toArray(String[]::new);
            CliRun r = CliRun.withEnv(Map.of("DB_PASSWORD", "pw"), args);
            assertEquals(5, r.exit(), command + ": " + r.all());
            assertTrue(r.err().startsWith("cutover: the state directory " + file.toAbsolutePath()
                    + " is not writable ("), command + ": " + r.err());
            assertTrue(r.err().contains("nothing was run. Use --state-dir"), r.err());
            assertFalse(Files.exists(dir.resolve("trace")), "a step ran");
            assertEquals("x", Files.readString(file));
        }
    }

    @Test
    void unlockRefusesABlankReasonAndAMissingLockIsInvalidInput() {
        Path state = dir.resolve("state");
        CliRun blank = CliRun.of("unlock", "k", "--reason", " ", "--state-dir", state.toString());
        assertEquals(2, blank.exit(), blank.all());
        assertEquals("cutover: --reason must say why the lock is removed", blank.err().strip());
        CliRun none = CliRun.of("unlock", "k", "--reason", "gone", "--state-dir", state.toString());
        assertEquals(2, none.exit(), none.all());
        assertTrue(none.err().startsWith("cutover: no lock 'k' in "), none.err());
    }

    @Test
    void aBadDurationIsInvalidInputWithItsMessage() {
        CliRun r = CliRun.of("expiry", "--within", "soon", "--bundle", dir.resolve("b.pem").toString());
        assertEquals(2, r.exit(), r.all());
        assertEquals("cutover expiry: --within 'soon' is not a duration; write 30d, 90d or 12h", r.err().strip());
    }
}
