package dev.cutover.process;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** process.restart finds a service without a pid file by its command line, and refuses to guess between two. */
class RestartByCommandLineTest {
    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        started.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    /** A "service" started by hand: no pid file, its command line carrying {@code marker}. */
    private Process byHand(String marker) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "sleep 600; :", marker).start();
        started.add(p);
        return p;
    }

    @Test
    void restartsTheOneProcessWhoseCommandLineMatches() throws Exception {
        String marker = "legacy-svc-" + UUID.randomUUID();
        Process old = byHand(marker);
        Path pidFile = dir.resolve("app.pid");
        StepRecording r = StepTestKit.of(new RestartStep()).stepId("restart-by-match").with("name", "app")
                .with("command", List.of("sleep", "600")).with("pid_file", pidFile).with("grace", "2s")
                .with("match", marker).apply().assertSucceeded();
        assertEquals(old.pid(), ((Number) r.output("previous_pid")).longValue());
        assertFalse(old.isAlive(), "the process found by its command line was stopped");
        long pid = ((Number) r.output("pid")).longValue();
        assertEquals(pid + "\n", Files.readString(pidFile));
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void refusesWhenMoreThanOneProcessMatches() throws Exception {
        String marker = "twin-svc-" + UUID.randomUUID();
        Process a = byHand(marker);
        Process b = byHand(marker);
        StepRecording r = StepTestKit.of(new RestartStep()).stepId("restart-by-match").with("name", "app")
                .with("command", List.of("sleep", "600")).with("pid_file", dir.resolve("app.pid"))
                .with("match", marker).apply();
        r.assertFailed();
        assertTrue(r.error().contains("2 processes match '" + marker + "'"), r.error());
        assertTrue(r.error().contains(Long.toString(a.pid())) && r.error().contains(Long.toString(b.pid())), r.error());
        assertTrue(a.isAlive() && b.isAlive(), "nothing was stopped");
        assertFalse(Files.exists(dir.resolve("app.pid")), "nothing was started");
    }
}
