package dev.cutover.process;

import dev.cutover.spi.ChildProcesses;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service started by process.start runs in its own session under a service tag: it outlives its step
 * and other steps' kills, and only its own start step failing (or its stop) ends it, daemonized
 * (setsid, double-forked) children included.
 */
class ServiceSessionsTest {
    @TempDir
    Path dir;
    private final List<Long> toClean = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        toClean.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    /** A service that daemonizes a helper into a session of its own, then runs. */
    private List<String> service() {
        return List.of("sh", "-c", "( setsid sleep 100 & echo \"$!;\" > \"$D/helper.pid\" ); exec sleep 100");
    }

    private long pid(String file) throws Exception {
        Path f = dir.resolve(file);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            String s = Files.exists(f) ? Files.readString(f).trim() : "";
            if (s.endsWith(";")) {
                long pid = Long.parseLong(s.substring(0, s.length() - 1));
                toClean.add(pid);
                return pid;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no pid in " + f);
    }

    private static String proc(long pid, String file) throws Exception {
        return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/" + file)), StandardCharsets.UTF_8);
    }

    private static boolean alive(long pid) {
        try {
            String s = proc(pid, "stat");
            return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aStartedServiceHasItsOwnSessionAndServiceTagOutlivesOtherKillsAndStopEndsItsDaemonizedHelper()
            throws Exception {
        StepRecording r = StepTestKit.of(new StartStep()).stepId("start-svc").with("name", "svc")
                .with("pid_file", dir.resolve("svc.pid")).with("command", service())
                .with("env", java.util.Map.of("D", dir.toString())).apply().assertSucceeded();
        long svc = ((Number) r.output("pid")).longValue();
        toClean.add(svc);
        long helper = pid("helper.pid");
        String stat = proc(svc, "stat");
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(Long.toString(svc), f[3], "the service leads a session of its own: a Ctrl-C at cutover's "
                + "terminal does not reach it");
        String env = proc(svc, "environ");
        assertTrue(env.contains(ChildProcesses.SERVICE_TAG_VARIABLE + "=testkit-run/start-svc\0"), env);
        assertFalse(env.contains(ChildProcesses.TAG_VARIABLE + "="), "not under a step tag");

        ChildProcesses.killTagged(ChildProcesses.tag("testkit-run", "another-step"));
        assertTrue(alive(svc) && alive(helper), "another step's kill leaves the service alone");

        StepTestKit.of(new StopStep()).stepId("stop-svc").with("name", "svc").with("pid_file", dir.resolve("svc.pid"))
                .with("grace", "2s").apply().assertSucceeded();
        assertFalse(alive(svc), "stopped");
        assertFalse(alive(helper), "its daemonized helper (own session, not a descendant) was found by the "
                + "service tag and stopped too");
    }

    @Test
    void aServiceThatNeverBecomesReadyIsStoppedWithItsDaemonizedHelper() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        StepRecording r = StepTestKit.of(new StartStep()).stepId("start-never-ready").with("name", "svc")
                .with("pid_file", dir.resolve("svc.pid")).with("command", service())
                .with("env", java.util.Map.of("D", dir.toString()))
                .with("ready_url", "http://127.0.0.1:" + closed + "/").with("ready_timeout", "1s").apply();
        r.assertFailed();
        long helper = pid("helper.pid");
        assertFalse(alive(helper), "nothing of a failed start stays behind: " + r.error());
        assertEquals(List.of(), ChildProcesses.tagged(ChildProcesses.tag("testkit-run", "start-never-ready")));
    }
}
