package dev.cutover.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./cutover demo} as the launcher starts it: the demo jar as a real process, then the product jar. */
class DemoJarIT {
    @TempDir
    Path dir;

    static final Path DEMO_JAR = Path.of("target", "cutover-demo.jar").toAbsolutePath();
    static final Path PRODUCT_JAR = Path.of("..", "..", "cli", "target", "cutover.jar").toAbsolutePath().normalize();

    private record Result(int exit, String out) {
    }

    private Result java(Path jar, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().put("NO_COLOR", "1");
        pb.environment().remove("CUTOVER_STATE_DIR");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        return new Result(p.exitValue(), out);
    }

    @Test
    void demoShowsAllThreeOutcomesOfTheFlagshipRunbookAndTheFleetRollout() throws Exception {
        Result r = java(DEMO_JAR);
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().matches("(?s).*1 clean rotation +SUCCEEDED +SUCCEEDED .*yes.*"), r.out());
        assertTrue(r.out().matches("(?s).*2 the incident +PREFLIGHT_FAILED +PREFLIGHT_FAILED .*yes.*"), r.out());
        assertTrue(r.out().matches("(?s).*3 failed validation +ROLLED_BACK +ROLLED_BACK .*yes.*"), r.out());
        assertTrue(r.out().matches("(?s).*4 fleet rollout +SUCCEEDED +SUCCEEDED .*yes\\n +3 of 3 hosts trust the new CA.*"),
                r.out());
        assertTrue(r.out().matches("(?s).*5 fleet canary fails +ROLLED_BACK +ROLLED_BACK .*yes\\n +payment-1 rolled back "
                + "\\(store byte for byte, app restarted\\); 2 of 2 others never touched.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\npayment-1\\s+rolled back.*\\npayment-2\\s+not reached.*\\npayment-3\\s+not "
                + "reached.*"), "the run's host table: " + r.out());
        assertTrue(r.out().contains("is not the one the application reads"), r.out());
        assertTrue(r.out().matches("(?s).*journal: \\S+/\\.cutover/runs/\\S+/journal\\.jsonl.*"), r.out());
        Result runs = java(PRODUCT_JAR, "runs");
        assertEquals(0, runs.exit(), runs.out());
        for (String status : List.of("SUCCEEDED", "ROLLED_BACK")) {
            assertEquals(1, runs.out().lines().filter(l -> l.matches(".*fleet-trust-and-restart +" + status + " .* demo( \\(OS "
                    + "user .*\\))?$")).count(), "the fleet run " + status + " once: " + runs.out());
        }
        for (String status : List.of("SUCCEEDED", "PREFLIGHT_FAILED", "ROLLED_BACK")) {
            assertEquals(1, runs.out().lines().filter(l -> l.matches(".*rds-ca-rotation +" + status + " .* demo( \\(OS user .*\\))?$"))
                    .count(), status + " once, run by the demo: " + runs.out());
        }
    }
}
