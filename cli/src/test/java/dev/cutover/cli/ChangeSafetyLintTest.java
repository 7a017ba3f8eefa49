package dev.cutover.cli;

import dev.cutover.lint.RunbookLinter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each change-safety lint has a runbook under src/test/resources/lints that triggers it and one that satisfies it. */
class ChangeSafetyLintTest {
    private static final Path DIR = Path.of("src", "test", "resources", "lints");
    private static final Pattern LINT = Pattern.compile("lint ([a-z-]+): steps? ([^:]+):");

    static Stream<String> lintIds() {
        return RunbookLinter.LINTS.keySet().stream();
    }

    private static CliRun validate(String file, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("validate", DIR.resolve(file).toString()));
        args.addAll(List.of(extra));
        return CliRun.withEnv(Map.of("TRUSTSTORE_PASSWORD", "not-read"), args.toArray(String[]::new));
    }

    /** Every lint line printed: id -> the step list as printed. */
    private static Map<String, String> lints(CliRun r) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Matcher m = LINT.matcher(r.err());
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("lintIds")
    void theTriggeringRunbookFailsValidationWithExactlyThatLintNamingItsSteps(String id) {
        CliRun r = validate(id + ".triggers.yaml");
        assertEquals(2, r.exit(), r.all());
        assertEquals(List.of(id), List.copyOf(lints(r).keySet()), r.all());
        assertTrue(r.err().contains(" -> "), "says how to fix it: " + r.err());
        assertTrue(r.err().contains("nothing was run"), r.err());
    }

    @Test
    void runPlanAndRehearseRefuseWhatValidateRejectsUnlessTheLintIsAllowed(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        String runbook = DIR.resolve("restart-after-truststore-change.triggers.yaml").toString();
        Path state = dir.resolve("state");
        Map<String, String> env = Map.of("TRUSTSTORE_PASSWORD", "not-read");
        Map<String, String> confirm = Map.of("run", "--yes", "plan", "--no-color", "rehearse", "--fail-each");
        for (String command : List.of("run", "plan", "rehearse")) {
            CliRun r = CliRun.withEnv(env, command, runbook, confirm.get(command), "--state-dir", state.toString());
            assertEquals(2, r.exit(), command + ": " + r.all());
            assertEquals(List.of("restart-after-truststore-change"), List.copyOf(lints(r).keySet()), r.all());
            assertTrue(r.err().contains("1 change-safety lint; nothing was run:"), r.err());
            assertFalse(Files.exists(state.resolve("runs")), command + " journaled nothing");
            CliRun typo = CliRun.withEnv(env, command, runbook, confirm.get(command), "--state-dir", state.toString(),
                    "--allow", "restart-after-change");
            assertEquals(2, typo.exit(), typo.all());
            assertTrue(typo.err().contains("cutover " + command + ": --allow names no lint: restart-after-change"),
                    typo.err());
        }
        CliRun allowed = CliRun.withEnv(env, "plan", runbook, "--state-dir", state.toString(), "--allow",
                "restart-after-truststore-change");
        assertTrue(allowed.err().contains("allowed: "), allowed.all());
        assertFalse(allowed.err().contains("nothing was run"), allowed.all());
        assertTrue(Files.isDirectory(state.resolve("runs")), "the plan ran and was journaled: " + allowed.all());
    }

    @ParameterizedTest
    @MethodSource("lintIds")
    void theSatisfyingRunbookIsValid(String id) {
        CliRun r = validate(id + ".satisfied.yaml");
        assertEquals(0, r.exit(), r.all());
        assertTrue(lints(r).isEmpty(), r.all());
    }

    @ParameterizedTest
    @MethodSource("lintIds")
    void allowingTheLintByIdAcceptsTheRunbookAndStillPrintsIt(String id) {
        CliRun r = validate(id + ".triggers.yaml", "--allow", id);
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.err().contains("allowed: "), r.err());
        assertTrue(r.out().contains(": valid ("), r.out());
    }

    @ParameterizedTest
    @MethodSource("lintIds")
    void everyLintIsDocumented(String id) throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "lints.md"));
        assertTrue(docs.contains("## `" + id + "`"), "docs/lints.md documents " + id);
    }

    @Test
    void theIncidentRunbookThatChangesTheTruststoreWithoutARestartNamesTheImportStep() {
        CliRun r = validate("restart-after-truststore-change.triggers.yaml");
        assertEquals("'trust-new-ca'", lints(r).get("restart-after-truststore-change"), r.err());
        assertTrue(r.err().contains("restarts or reloads the application"), r.err());
    }

    @Test
    void anUndoThatNeedsABackupALaterStepDeletesNamesBothStepsAndTheFile() {
        CliRun r = validate("undo-needs-removed-input.triggers.yaml");
        assertEquals("'write-config', 'tidy-backups'", lints(r).get("undo-needs-removed-input"), r.err());
        assertTrue(r.err().contains("/srv/app/app.conf.bak"), r.err());
    }

    @Test
    void anAllowThatNamesNoLintIsRejected() {
        CliRun r = validate("restart-after-truststore-change.triggers.yaml", "--allow", "restart-after-change");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("--allow names no lint: restart-after-change"), r.err());
    }

    @Test
    void jsonOutputListsTheLintWithItsStepsRiskAndFix() throws Exception {
        CliRun r = validate("ca-rotation-drops-old-ca.triggers.yaml", "--output", "json");
        assertEquals(2, r.exit(), r.all());
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertFalse(node.get("valid").asBoolean());
        var lint = node.get("lints").get(0);
        assertEquals("ca-rotation-drops-old-ca", lint.get("id").asText());
        assertEquals("[\"trust-new-ca\",\"rotate-db-cert\"]", lint.get("steps").toString());
        assertTrue(lint.get("risk").asText().contains("no way back"), lint.toString());
        assertTrue(lint.get("line").asInt() > 0, lint.toString());
    }

    @Test
    void theFlagshipRunbookPassesEveryLintOnTheLocalPlatform() {
        CliRun r = CliRun.withEnv(Map.of(), "validate", Path.of("..", "runbooks", "rds-ca-rotation.yaml").toString(),
                "--set", "app_health_url=http://localhost:8080/health", "--set", "truststore=/srv/app/t.p12",
                "--set", "current_ca_sha256=00", "--set", "ca_bundle=/srv/app/b.pem", "--set", "db_host=db",
                "--set", "platform=local");
        assertEquals(0, r.exit(), r.all());
        assertTrue(lints(r).isEmpty(), r.all());
    }

    @Test
    void aConditionThatIsFalseInThisEnvironmentDoesNotCountAsARestart(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        String[] aws = {"--set", "app_health_url=http://localhost:8080/health", "--set", "truststore=/srv/app/t.p12",
            "--set", "current_ca_sha256=00", "--set", "ca_bundle=/srv/app/b.pem", "--set", "db_host=db",
            "--set", "platform=aws"};
        Path flagship = Path.of("..", "runbooks", "rds-ca-rotation.yaml");
        Path undeclared = dir.resolve("rds-ca-rotation-undeclared.yaml");
        java.nio.file.Files.writeString(undeclared, java.nio.file.Files.readString(flagship)
                .replace("    restarts: payment-service\n", ""));
        CliRun r = CliRun.withEnv(Map.of(), concat(new String[] {"validate", undeclared.toString()}, aws));
        assertEquals(2, r.exit(), r.all());
        assertEquals("'trust-target-ca'", lints(r).get("restart-after-truststore-change"), r.err());
        assertTrue(r.err().contains("'restart-app-on-host' looks like a restart, but shell.exec cannot declare"),
                r.err());
        CliRun declared = CliRun.withEnv(Map.of(), concat(new String[] {"validate", flagship.toString()}, aws));
        assertEquals(0, declared.exit(), "the flagship declares 'restarts:' on its AWS restart steps: "
                + declared.all());
    }

    private static String[] concat(String[] a, String[] b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
                .toArray(String[]::new);
    }
}
