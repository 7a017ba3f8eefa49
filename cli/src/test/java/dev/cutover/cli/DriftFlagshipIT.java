package dev.cutover.cli;

import dev.cutover.demo.DemoEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cutover drift with the flagship runbook against the real demo environment (PostgreSQL with TLS, the
 * payment service as a process): a baseline saved while the service reads the store its environment
 * file names, then the incident (the service restarted on another store), caught before any run.
 */
class DriftFlagshipIT {
    private static Path work;
    private static DemoEnvironment env;
    private static Path runbook;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("cutover-drift-it-");
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

    private static CliRun drift(String... extra) {
        String[] base = {"drift", runbook.toString(), "--env", "local", "--state-dir",
            work.resolve("state").toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        CliRun r = CliRun.withEnv(env.secretEnv(), args);
        for (String secret : env.secretEnv().values()) {
            assertFalse(r.all().contains(secret), "a secret reached the console");
        }
        return r;
    }

    @Test
    void catchesTheServiceReadingAnotherTruststoreThanTheBaselineBeforeAnyRun() throws Exception {
        Path baseline = env.workDir().resolve("baselines/local.yaml");
        CliRun saved = drift("--baseline", baseline.toString(), "--save");
        assertEquals(0, saved.exit(), saved.all());
        String text = Files.readString(baseline);
        for (String secret : env.secretEnv().values()) {
            assertFalse(text.contains(secret), "a secret reached the baseline");
        }
        CliRun same = drift("--baseline", baseline.toString());
        assertEquals(0, same.exit(), same.all());
        assertTrue(same.out().contains("No differences."), same.out());

        env.simulateIncident();
        CliRun drifted = drift("--baseline", baseline.toString());
        assertEquals(1, drifted.exit(), drifted.all());
        assertTrue(drifted.out().contains("  - step 'app-uses-this-truststore': baseline ok, local failed ("
                + env.appName() + " (pid "), drifted.out());
        assertTrue(drifted.out().contains("uses truststore " + env.incidentTruststore()), drifted.out());
        assertTrue(drifted.out().contains("  - app-healthy.json.truststore differs: baseline " + env.truststore()
                + ", local " + env.incidentTruststore()), drifted.out());
        assertTrue(drifted.out().contains("DRIFT (exit 1)"), drifted.out());
    }
}
