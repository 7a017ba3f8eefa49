package dev.cutover.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A corpus of broken runbooks: each exits 2 naming file:line:column and what is wrong, and runs nothing. */
class InvalidRunbookCorpusTest {
    @TempDir
    Path dir;

    static Stream<Arguments> corpus() {
        return Stream.of(
                Arguments.of("01-yaml-syntax", "6:46", "a '[ ]' list is not closed"),
                Arguments.of("02-unknown-top-key", "8:1", "unknown key 'stepz'"),
                Arguments.of("03-wrong-api-version", "1:13", "apiVersion must be 'cutover/v1'"),
                Arguments.of("04-missing-name", "1:1", "missing required key 'name'"),
                Arguments.of("05-missing-steps", "1:1", "missing required key 'steps'"),
                Arguments.of("06-bad-name", "2:7", "'Broken Name' is not valid for name"),
                Arguments.of("07-step-missing-uses", "8:5", "missing required key 'uses'"),
                Arguments.of("08-step-missing-id", "8:5", "missing required key 'id'"),
                Arguments.of("09-bad-step-id", "4:9", "'Touch_It' is not valid for id"),
                Arguments.of("10-duplicate-step-id", "8:5", "duplicate step id 'touch'"),
                Arguments.of("11-unknown-step-type", "5:11", "did you mean 'shell.exec'"),
                Arguments.of("12-unknown-input", "6:13", "has no input 'comand'"),
                Arguments.of("13-missing-required-input", "4:5", "needs input 'command'"),
                Arguments.of("14-input-wrong-type", "6:22", "input 'command' must be a list"),
                Arguments.of("15-bad-duration", "8:14", "'5 minutes' is not valid for timeout"),
                Arguments.of("16-retry-zero", "8:24", "minimum value of 1"),
                Arguments.of("17-unknown-step-key", "7:5", "did you mean 'no_undo'"),
                Arguments.of("18-no-rollback-plan", "4:5", "mutating step has no rollback plan"),
                Arguments.of("19-undo-and-no-undo", "7:5", "both 'undo' and 'no_undo' are set"),
                Arguments.of("20-mutating-in-preflight", "5:11", "preflight accepts only read-only checks"),
                Arguments.of("21-unknown-param-ref", "6:22", "unknown param 'nope'"),
                Arguments.of("22-ref-to-later-step", "6:22", "which has not run yet"),
                Arguments.of("23-ref-to-unknown-step", "6:22", "unknown step 'ghost'"),
                Arguments.of("24-bad-ref-shape", "6:22", "bad reference ${params}"),
                Arguments.of("25-when-does-not-parse", "8:11", "condition does not parse"),
                Arguments.of("26-when-unknown-param", "10:11", "unknown param 'moed'"),
                Arguments.of("27-secret-in-argv", "8:22", "a secret param would appear in input 'command'"),
                Arguments.of("28-bad-param-type", "4:18", "'number' is not a valid type"),
                Arguments.of("29-duplicate-key", "6:5", "duplicate key 'uses'"),
                Arguments.of("30-expect-exit-wrong-type", "6:61", "input 'expect_exit' must be a list"),
                Arguments.of("31-undo-unknown-type", "7:19", "unknown step type 'shell.undo'"),
                Arguments.of("32-secret-default", "4:29", "has a default value written in the runbook"),
                Arguments.of("33-empty-file", "1:1", "the file is empty"),
                Arguments.of("34-not-a-mapping", "1:1", "must be a mapping"),
                Arguments.of("35-missing-required-param", "4:3", "required param 'db_instance' has no value"),
                Arguments.of("36-secret-literal-input", "6:58", "input 'readonly' must be true or false"),
                Arguments.of("37-duration-too-long", "7:14", "is too long a duration"),
                Arguments.of("38-undeclared-output", "10:47", "step 'touch': ${steps.read.outputs.stdot} reads output "
                        + "'stdot', which step 'read' (shell.exec) does not produce -> did you mean 'stdout'? shell.exec "
                        + "outputs: exit_code, stdout, stderr, duration_ms, json"),
                Arguments.of("39-undeclared-output-in-when", "11:11", "reads output 'certificate_count', which step "
                        + "'cas' (tls.bundle-inspect) does not produce -> tls.bundle-inspect outputs: file, format, count, "
                        + "certificates"),
                Arguments.of("40-this-machine-step-in-hosts-block", "12:15", "'postgres.server-cert' works on this "
                        + "machine's files only and cannot run on each host of a 'hosts:' block"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void rejectsWithLocationAndRunsNothing(String name, String lineColumn, String message) throws URISyntaxException {
        Path file = Path.of(InvalidRunbookCorpusTest.class.getResource("/invalid/" + name + ".yaml").toURI());
        Path marker = dir.resolve("ran");
        Map<String, String> env = Map.of("MARKER", marker.toString(), "PW", "pw-value");
        CliRun validate = CliRun.withEnv(env, "validate", file.toString());
        assertEquals(2, validate.exit(), validate.all());
        assertTrue(validate.err().contains(file + ":" + lineColumn + ":"), "expected " + lineColumn + " in\n"
                + validate.err());
        assertTrue(validate.err().contains(message), "expected '" + message + "' in\n" + validate.err());
        CliRun run = CliRun.withEnv(env, "run", file.toString(), "--yes", "--state-dir", dir.resolve("state").toString());
        assertEquals(2, run.exit(), run.all());
        assertTrue(run.err().contains("nothing was run"), run.err());
        assertFalse(Files.exists(marker), "a step ran");
        assertFalse(Files.exists(dir.resolve("state/runs")) && dir.resolve("state/runs").toFile().list().length > 0,
                "a journal was written");
    }
}
