package dev.cutover.process;

import dev.cutover.spi.Host;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.Secret;
import dev.cutover.ssh.testing.HostProcesses;
import dev.cutover.ssh.testing.ConnectedHosts;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * process.start, process.restart, process.stop and start's undo on a fleet host (a real OpenSSH sshd). The "host"
 * is this machine, and this JVM the subreaper of what its local tests start: step ids of their own keep these
 * services' tags apart from the local tests' in the same JVM.
 */
class RemoteServiceStepsTest {
    @RegisterExtension
    static final ConnectedHosts FLEET = ConnectedHosts.of(1);

    /** Running on the host (the host is this machine): not gone, and not a zombie waiting for a reaper. */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void startsRestartsAndStopsAServiceOnTheHostWhichOutlivesItsSteps() throws Exception {
        Path dir = Files.createTempDirectory(FLEET.sshd().root(0), "svc");
        Path pidFile = dir.resolve("run/app.pid");
        String mark = "mark-" + UUID.randomUUID();
        String secret = "Svc-Secret-" + UUID.randomUUID();
        List<String> command = List.of("sh", "-c", "echo \"started token=${TOKEN:+set}\"; exec sleep 600");
        StepTestKit start = StepTestKit.of(new StartStep()).host(FLEET.host(0)).stepId("remote-1").runDirectory(dir.resolve("runs/1"))
                .with("name", "app").with("command", command).with("pid_file", pidFile)
                .with("env", Map.of("MARK", mark, "TOKEN", new Secret(secret)));
        StepRecording r = start.apply().assertSucceeded();
        long pid = ((Number) r.output("pid")).longValue();
        assertTrue(alive(pid), "the service runs after its step returned");
        assertEquals(pid + "\n", Files.readString(pidFile));
        assertEquals(1, HostProcesses.carrying("MARK=" + mark).size(), "one service process");
        assertEquals(List.of(), HostProcesses.withCommandLineContaining(secret), "the secret on a command line");
        assertTrue(Files.readString(Path.of(pidFile + ".log")).contains("started token=set"));
        assertEquals(ProbeResult.DONE, start.probe(r));

        StepRecording again = StepTestKit.of(new StartStep()).host(FLEET.host(0)).stepId("remote-2").runDirectory(dir.resolve("runs/2"))
                .with("name", "app").with("command", command).with("pid_file", pidFile).apply().assertSucceeded();
        assertEquals(pid, ((Number) again.output("pid")).longValue(), "already running: unchanged");

        StepRecording restarted = StepTestKit.of(new RestartStep()).host(FLEET.host(0)).stepId("remote-3").runDirectory(dir.resolve("runs/3"))
                .with("name", "app").with("command", command).with("pid_file", pidFile).with("grace", "2s")
                .apply().assertSucceeded();
        long newPid = ((Number) restarted.output("pid")).longValue();
        assertEquals(pid, ((Number) restarted.output("previous_pid")).longValue());
        assertNotEquals(pid, newPid);
        assertFalse(alive(pid), "the old process is gone");
        assertTrue(alive(newPid));

        StepRecording stopped = StepTestKit.of(new StopStep()).host(FLEET.host(0)).stepId("remote-4").runDirectory(dir.resolve("runs/4"))
                .with("name", "app").with("pid_file", pidFile).with("grace", "2s").apply().assertSucceeded();
        assertEquals(newPid, ((Number) stopped.output("stopped_pid")).longValue());
        assertFalse(alive(newPid));
        assertFalse(Files.exists(pidFile));
    }

    @Test
    void undoOfStartStopsWhatItStartedOnTheHost() throws Exception {
        Path dir = Files.createTempDirectory(FLEET.sshd().root(0), "svc");
        Path pidFile = dir.resolve("app.pid");
        StepTestKit kit = StepTestKit.of(new StartStep()).host(FLEET.host(0)).stepId("remote-5").runDirectory(dir.resolve("runs/1"))
                .with("name", "app").with("command", List.of("sleep", "600")).with("pid_file", pidFile);
        StepRecording r = kit.apply().assertSucceeded();
        long pid = ((Number) r.output("pid")).longValue();
        assertTrue(alive(pid));
        kit.undo(r).assertSucceeded();
        assertFalse(alive(pid));
        assertEquals(ProbeResult.NOT_DONE, kit.probe(r));
    }

    @Test
    void aServiceThatExitsAtOnceFailsWithItsLogOnTheHost() throws Exception {
        Path dir = Files.createTempDirectory(FLEET.sshd().root(0), "svc");
        StepRecording r = StepTestKit.of(new StartStep()).host(FLEET.host(0)).stepId("remote-6").runDirectory(dir.resolve("runs/1"))
                .with("name", "app").with("command", List.of("sh", "-c", "echo 'port 8080 in use' >&2; exit 1"))
                .with("pid_file", dir.resolve("app.pid")).apply();
        r.assertFailed();
        assertTrue(r.error().contains("app on host-1: exited before it was ready"), r.error());
        assertTrue(r.error().contains("port 8080 in use"), r.error());
    }

    @Test
    void restartFindsAServiceWithoutAPidFileOnTheHostByItsCommandLine() throws Exception {
        Path dir = Files.createTempDirectory(FLEET.sshd().root(0), "svc");
        String marker = "by-hand-" + UUID.randomUUID();
        FLEET.host(0).run(Host.Command.of(List.of("sh", "-c", "unset CUTOVER_STEP_TAG; setsid sh -c 'sleep 600; :' " + marker
                + " >/dev/null 2>&1 </dev/null & sleep 1"), java.time.Duration.ofSeconds(10), null));
        List<String> before = HostProcesses.withCommandLineContaining(marker);
        assertEquals(1, before.size(), before.toString());
        long old = Long.parseLong(before.get(0).split(" ")[0]);
        Path pidFile = dir.resolve("app.pid");
        StepRecording r = StepTestKit.of(new RestartStep()).stepId("remote-match").host(FLEET.host(0))
                .runDirectory(dir.resolve("runs/1")).with("name", "app").with("command", List.of("sleep", "600"))
                .with("pid_file", pidFile).with("grace", "2s").with("match", marker).apply().assertSucceeded();
        assertEquals(old, ((Number) r.output("previous_pid")).longValue());
        assertFalse(alive(old));
        long pid = ((Number) r.output("pid")).longValue();
        assertTrue(alive(pid));
        StepTestKit.of(new StopStep()).stepId("remote-match-stop").host(FLEET.host(0)).runDirectory(dir.resolve("runs/2"))
                .with("name", "app").with("pid_file", pidFile).apply().assertSucceeded();
    }

    @Test
    void infoReadsTheTruststoreOfAJvmOnTheHostBehindItsWrapperScript() throws Exception {
        Path dir = Files.createTempDirectory(FLEET.sshd().root(0), "jvm");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/trust.p12"), "a store");
        Files.writeString(dir.resolve("Sleep.java"),
                "public class Sleep { public static void main(String[] a) throws Exception { Thread.sleep(600_000); } }");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String marker = "jvm-" + UUID.randomUUID();
        // a start script that runs the JVM as its child (not exec): the pid file names the script (the host kills
        // what a command leaves in its process group when it ends: the sleep lets setsid take the script out of it)
        Host.Exec started = FLEET.host(0).run(Host.Command.of(List.of("sh", "-c", "cd '" + dir + "' || exit 1; unset CUTOVER_STEP_TAG; setsid sh -c '"
                + javaBin + " -Dmarker=" + marker + " -Djavax.net.ssl.trustStore=conf/trust.p12 Sleep.java; :'"
                + " >/dev/null 2>&1 </dev/null & echo $! > app.pid; sleep 1"), java.time.Duration.ofSeconds(10), null));
        assertEquals(0, started.exitCode(), started.stderrText());
        long wrapper = Long.parseLong(Files.readString(dir.resolve("app.pid")).trim());
        try {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            while (HostProcesses.withCommandLineContaining("-Dmarker=" + marker).size() < 2
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            int commandsBefore = ((dev.cutover.ssh.SshHost) FLEET.host(0)).commandsRun();
            StepRecording r = StepTestKit.of(new InfoStep()).host(FLEET.host(0)).stepId("remote-info")
                    .runDirectory(dir.resolve("runs/1")).with("name", "app").with("pid_file", dir.resolve("app.pid"))
                    .with("expect_truststore", dir.resolve("conf/trust.p12")).apply().assertSucceeded();
            assertTrue(((dev.cutover.ssh.SshHost) FLEET.host(0)).commandsRun() > commandsBefore,
                    "the pid file and /proc were read on the host, through it");
            assertEquals(wrapper, ((Number) r.output("pid")).longValue());
            assertEquals(dir.resolve("conf/trust.p12").toString(), r.output("java_truststore"));
            assertEquals("-Djavax.net.ssl.trustStore", r.output("truststore_source"));

            StepRecording wrong = StepTestKit.of(new InfoStep()).host(FLEET.host(0)).stepId("remote-info-2")
                    .runDirectory(dir.resolve("runs/2")).with("name", "app").with("pid_file", dir.resolve("app.pid"))
                    .with("expect_truststore", dir.resolve("other.p12")).apply();
            wrong.assertFailed();
            assertTrue(wrong.error().contains("app on host-1 (pid " + wrapper + ") uses truststore " + dir.resolve(
                    "conf/trust.p12")), wrong.error());
            assertTrue(wrong.error().contains("this environment names " + dir.resolve("other.p12")), wrong.error());

            StepRecording gone = StepTestKit.of(new InfoStep()).host(FLEET.host(0)).stepId("remote-info-3")
                    .runDirectory(dir.resolve("runs/3")).with("name", "app").with("pid_file", dir.resolve("none.pid"))
                    .apply();
            gone.assertFailed();
            assertTrue(gone.error().contains("app is not running on host-1"), gone.error());
        } finally {
            ProcessHandle.of(wrapper).ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            });
        }
    }
}
