package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.demo.AppHealth;
import dev.cutover.demo.DemoEnvironment;
import dev.cutover.demo.StateFingerprint;
import dev.cutover.journal.JournalVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cutover rehearse --fail-each} over the flagship runbook in the demo environment (a real
 * PostgreSQL with TLS and the payment service): every rollback is proven, and the environment ends
 * exactly where it started.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RehearseFlagshipIT {
    private static Path work;
    private static DemoEnvironment env;
    private static Path runbook;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("cutover-rehearse-it-");
        env = DemoEnvironment.start(work.resolve("env"));
        runbook = env.workDir().resolve("rds-ca-rotation.yaml");
        Files.copy(Path.of("..", "runbooks", "rds-ca-rotation.yaml"), runbook);
    }

    @AfterAll
    static void stop() throws Exception {
        if (env != null) {
            env.close();
        }
        Trees.delete(work);
    }

    @Test
    @Order(1)
    void failEachProvesEveryRollbackOfTheFlagshipRunbookAndTheEnvironmentEndsWhereItStarted() throws Exception {
        StateFingerprint before = env.stateFingerprint();
        CliRun r = CliRun.withEnv(env.secretEnv(), "rehearse", runbook.toString(), "--env", "local", "--fail-each",
                "--state-dir", work.resolve("state").toString(), "--operator", "it", "--output", "json");
        assertEquals(0, r.exit(), r.all());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("PROVEN", json.get("status").asText(), r.out());
        List<String> injected = new ArrayList<>();
        for (JsonNode a : json.get("attempts")) {
            injected.add(a.get("injected_at").asText());
            assertEquals("ROLLED_BACK", a.get("status").asText(), a.toString());
            assertTrue(a.get("facts_restored").asBoolean(), a.toString());
            assertEquals(0, a.get("differences").size(), a.toString());
            JournalVerifier.Verdict v = JournalVerifier.verify(Path.of(a.get("journal").asText()));
            assertTrue(v.ok(), v.problem());
            assertEquals(Boolean.TRUE, v.events().get(0).data().get("rehearsal"), "journal marked as a rehearsal");
            assertTrue(v.events().stream().anyMatch(e -> e.event().equals("fault.injected")), "failure injected");
            String text = Files.readString(Path.of(a.get("journal").asText()));
            env.secretEnv().values().forEach(s -> assertFalse(text.contains(s), "a secret reached the journal"));
        }
        assertEquals(List.of("trust-target-ca", "restart-app", "rotate-db-cert"), injected);
        assertEquals(2, json.get("not_rehearsed").size(), "the aws steps do not run here: " + json);
        env.secretEnv().values().forEach(s -> assertFalse(r.all().contains(s), "a secret reached the console"));
        assertEquals(before, env.stateFingerprint());
        AppHealth h = env.appHealth();
        assertTrue(h.up(), h.body());
        assertFalse(h.serverCertIssuer().orElse("").contains("G1"), "still on the old CA: " + h.body());
    }

    @Test
    @Order(2)
    void theFlagshipRunbookPassesEveryLintInTheDemoEnvironment() {
        CliRun r = CliRun.withEnv(env.secretEnv(), "validate", runbook.toString(), "--env", "local");
        assertEquals(0, r.exit(), r.all());
        assertFalse(r.err().contains("lint "), r.err());
    }

    @Test
    @Order(3)
    void anImportWhoseUndoDoesNothingIsNotProvenAndTheFlagshipFactsNameTheLeftoverEntry() throws Exception {
        String text = Files.readString(runbook);
        String anchor = "subject_matches: \"${params.target_ca_subject}\" }\n";
        assertTrue(text.contains(anchor), "the flagship's import step changed; update this test");
        Path broken = env.workDir().resolve("rds-ca-rotation-broken-undo.yaml");
        Files.writeString(broken, text.replace(anchor, anchor + "    undo: { uses: shell.exec, with: { command: [\"true\"] } }\n"));
        try {
            CliRun r = CliRun.withEnv(env.secretEnv(), "rehearse", broken.toString(), "--env", "local", "--fail-at",
                    "trust-target-ca", "--state-dir", work.resolve("state").toString(), "--operator", "it");
            // the run's own re-validation already finds the leftover entry: its rollback fails (exit 4)
            assertEquals(4, r.exit(), r.all());
            assertTrue(r.out().contains("the system is not back as it was: truststore-matches-baseline.entries was 1"),
                    r.out());
            assertTrue(r.out().contains("after rollback of step trust-target-ca: truststore-matches-baseline.entries was 1 "
                    + "before and is 2 now"), r.out());
            assertTrue(r.out().contains("NOT PROVEN: 0 of 1"), r.out());
        } finally {
            env.reset();
        }
    }
}
