package dev.cutover.cli;

import dev.cutover.demo.AppHealth;
import dev.cutover.demo.DemoEnvironment;
import dev.cutover.demo.StateFingerprint;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flagship runbook against the real demo environment: an embedded PostgreSQL with TLS and the
 * payment service as a real process. Asserts statuses, exit codes, the ordered journal events and
 * the state of the system after each scenario.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlagshipRunbookIT {
    private static Path work;
    private static DemoEnvironment env;
    private static Path runbook;
    private static Path state;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("cutover-flagship-it-");
        env = DemoEnvironment.start(work.resolve("env"));
        runbook = env.workDir().resolve("rds-ca-rotation.yaml");
        Files.copy(Path.of("..", "runbooks", "rds-ca-rotation.yaml"), runbook);
        state = work.resolve("state");
    }

    @AfterAll
    static void stop() throws Exception {
        if (env != null) {
            env.close();
        }
        Trees.delete(work);
    }

    private record Run(CliRun cli, List<JournalEvent> events, Path journal) {
        List<String> trace(String... eventNames) {
            List<String> wanted = List.of(eventNames);
            return events.stream().filter(e -> wanted.contains(e.event()))
                    .map(e -> e.event() + ":" + e.step()).toList();
        }
    }

    private static Run run(String envName) throws Exception {
        CliRun r = CliRun.withEnv(env.secretEnv(), "run", runbook.toString(), "--env", envName, "--yes",
                "--state-dir", state.toString(), "--output", "json", "--operator", "it");
        String journal = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("journal").asText();
        JournalVerifier.Verdict v = JournalVerifier.verify(Path.of(journal));
        assertTrue(v.ok(), v.problem());
        String text = Files.readString(Path.of(journal));
        for (String secret : env.secretEnv().values()) {
            assertFalse(text.contains(secret), "a secret reached the journal");
            assertFalse(r.all().contains(secret), "a secret reached the console");
        }
        return new Run(r, v.events(), Path.of(journal));
    }

    @Test
    @Order(1)
    void cleanRotationSucceedsAndTheAppRunsOnTheNewCa() throws Exception {
        Run r = run("local");
        assertEquals(0, r.cli().exit(), r.cli().all());
        assertEquals(List.of("step.intent:trust-target-ca", "step.succeeded:trust-target-ca",
                "step.intent:restart-app", "step.succeeded:restart-app", "step.succeeded:app-healthy-on-old-cert",
                "step.intent:rotate-db-cert", "step.succeeded:rotate-db-cert"),
                r.trace("step.intent", "step.succeeded").stream().filter(s -> s.contains("trust-target")
                        || s.contains("restart-app") || s.contains("old-cert") || s.contains("rotate-db")).toList());
        AppHealth h = env.appHealth();
        assertTrue(h.up(), h.body());
        assertTrue(h.serverCertIssuer().orElse("").contains("G1"), h.body());
    }

    @Test
    @Order(2)
    void theIncidentIsCaughtByPreflightAndNothingChanges() throws Exception {
        env.reset();
        env.simulateIncident();
        StateFingerprint before = env.stateFingerprint();
        Run r = run("local");
        assertEquals(3, r.cli().exit(), r.cli().all());
        assertEquals(before, env.stateFingerprint());
        assertTrue(r.trace("step.intent").isEmpty(), "no step recorded an intent");
        JournalEvent failed = r.events().stream().filter(e -> e.event().equals("step.failed")).findFirst()
                .orElseThrow();
        assertEquals("app-uses-this-truststore", failed.step());
        assertTrue(failed.dataString("error").contains("is not the one the application reads"), failed.data()
                .toString());
    }

    @Test
    @Order(3)
    void aFailedValidationRollsBackAndRevalidationProvesTheAppHealthyOnTheOldCa() throws Exception {
        env.reset();
        StateFingerprint before = env.stateFingerprint();
        Run r = run("local-wrong-bundle");
        assertEquals(1, r.cli().exit(), r.cli().all());
        assertEquals(List.of("step.failed:db-handshake-new-cert", "undo.succeeded:rotate-db-cert",
                "undo.skipped:restart-app", "undo.succeeded:trust-target-ca",
                "step.succeeded:restart-app-after-restore",
                // re-validation: every preflight check again (their facts must match those before the change),
                // then the health check; never db-handshake-new-cert's check of the new state
                "step.succeeded:bundle-has-target-ca", "step.succeeded:app-uses-this-truststore",
                "step.succeeded:truststore-matches-baseline", "step.succeeded:truststore-verifies-db-today",
                "step.succeeded:db-ssl-on", "step.succeeded:app-healthy", "step.succeeded:backup-space",
                "step.succeeded:app-healthy-new-connection"),
                r.trace("step.failed", "undo.succeeded", "undo.skipped", "step.succeeded").stream()
                        .dropWhile(s -> !s.equals("step.failed:db-handshake-new-cert")).toList());
        assertEquals(true, r.events().stream().filter(e -> e.event().equals("revalidation.finished")).findFirst()
                .orElseThrow().data().get("proven"), "re-validation proved the system back");
        StateFingerprint after = env.stateFingerprint();
        assertEquals(before.dbServerCertSha256(), after.dbServerCertSha256());
        assertEquals(before.truststoreSha256(), after.truststoreSha256());
        AppHealth h = env.appHealth();
        assertTrue(h.up(), h.body());
        assertNotEquals(true, h.serverCertIssuer().orElse("").contains("G1"), h.body());
        assertEquals("ROLLED_BACK", r.events().get(r.events().size() - 1).dataString("status"));
    }
}
