package dev.cutover.bench;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalVerifier;
import dev.cutover.secrets.Masker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The journal's two throughputs: fsync'd appends per second (one {@code step.succeeded}-sized
 * event each, as the engine writes them) and verified events per second on a long journal.
 */
public class JournalBenchmark {

    /** A step event's data, about the size the engine writes for a {@code shell.exec} step. */
    static Map<String, Object> stepData(long i) {
        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put("exit_code", 0);
        outputs.put("stdout", "");
        outputs.put("stderr", "");
        outputs.put("duration_ms", 2);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("outputs", outputs);
        data.put("duration_ms", i % 7);
        return data;
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static Path scratch() throws IOException {
        String base = System.getProperty("bench.dir");
        Path parent = base == null ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(base);
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, "jmh-journal");
    }

    /** A fresh journal per iteration, on the file system given by {@code -Dbench.dir}. */
    @State(Scope.Thread)
    public static class Appending {
        Path dir;
        Journal journal;
        long n;

        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = scratch();
            journal = Journal.create(dir.resolve("run"), "bench-run", "bench", new Masker());
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            journal.close();
            deleteTree(dir);
        }
    }

    /** Appends one event: mask, canonical JSON, SHA-256, write, fsync. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object appendFsynced(Appending s) {
        return s.journal.append("step.succeeded", "s" + (s.n++ % 1000), "steps", 1, stepData(s.n));
    }

    /** A journal of {@code events} events, written once. */
    @State(Scope.Benchmark)
    public static class Written {
        @Param("100000")
        public int events;
        Path dir;
        Path file;

        @Setup(Level.Trial)
        public void write() throws IOException {
            // written through the real Journal (hash chain, canonical form); an fsync per event makes
            // 100,000 events slow to write, so the set-up writes to tmpfs when there is one (reading
            // it back costs the same as reading a journal from the page cache)
            Path shm = Path.of(System.getProperty("bench.verifyDir", "/dev/shm"));
            dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "jmh-journal")
                    : scratch();
            try (Journal j = Journal.create(dir.resolve("run"), "bench-run", "bench", new Masker())) {
                for (int i = 0; i < events; i++) {
                    j.append(i % 3 == 0 ? "step.started" : i % 3 == 1 ? "step.intent" : "step.succeeded",
                            "s" + (i / 3), "steps", 1, i % 3 == 1 ? Map.of("undo", Map.of("path", "/tmp/x"),
                                    "undo_kind", "step") : stepData(i));
                }
                file = j.file();
            }
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            deleteTree(dir);
        }
    }

    /** Verifies the whole journal; divide the score by {@code events} for events/s. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<?> verify(Written w) throws IOException {
        JournalVerifier.Verdict v = JournalVerifier.verify(w.file);
        if (!v.ok()) {
            throw new IllegalStateException(v.problem());
        }
        return v.events();
    }
}
