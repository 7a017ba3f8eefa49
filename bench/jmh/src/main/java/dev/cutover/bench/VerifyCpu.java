package dev.cutover.bench;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalVerifier;
import dev.cutover.secrets.Masker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code verify} throughput by the verifying thread's CPU time as well as wall time: on a shared
 * machine the wall figure measures the other jobs too. Writes a journal of N events (to tmpfs when
 * there is one), verifies it R times after W warm-ups, prints {@code wall_ms cpu_ms} per round.
 * Usage: java -cp benchmarks.jar dev.cutover.bench.VerifyCpu DIR EVENTS WARMUPS ROUNDS
 */
public final class VerifyCpu {
    private VerifyCpu() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(args[0]), "verify-cpu");
        int events = Integer.parseInt(args[1]);
        int warmups = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Path file;
        try (Journal j = Journal.create(dir.resolve("run"), "bench-run", "bench", new Masker())) {
            for (int i = 0; i < events; i++) {
                j.append(i % 3 == 0 ? "step.started" : i % 3 == 1 ? "step.intent" : "step.succeeded",
                        "s" + (i / 3), "steps", 1, i % 3 == 1 ? Map.of("undo", Map.of("path", "/tmp/x"),
                                "undo_kind", "step") : JournalBenchmark.stepData(i));
            }
            file = j.file();
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < warmups + rounds; r++) {
            long t = System.nanoTime();
            long c = mx.getCurrentThreadCpuTime();
            JournalVerifier.Verdict v = JournalVerifier.verify(file);
            long cpu = mx.getCurrentThreadCpuTime() - c;
            long wall = System.nanoTime() - t;
            if (!v.ok()) {
                throw new IllegalStateException(v.problem());
            }
            if (r >= warmups) {
                System.out.println(wall / 1_000_000.0 + " " + cpu / 1_000_000.0);
            }
        }
        JournalBenchmark.deleteTree(dir);
    }
}
