package dev.cutover.shell;

import dev.cutover.spi.Host;
import dev.cutover.ssh.testing.HostProcesses;
import dev.cutover.ssh.testing.ConnectedHosts;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** shell.exec on a fleet host: a real OpenSSH sshd on loopback, the step run through the test kit. */
class RemoteShellExecTest {
    @RegisterExtension
    static final ConnectedHosts FLEET = ConnectedHosts.of(1);

    @Test
    void runsTheArgvOnTheHostInItsDirectoryWithEnvAndStdin() throws Exception {
        Path cwd = Files.createTempDirectory(FLEET.sshd().root(0), "app");
        StepRecording r = StepTestKit.of(new ShellExecStep()).host(FLEET.host(0))
                .with("command", List.of("sh", "-c", "printf '%s|%s|' \"$1\" \"$GREETING\"; cat; pwd", "sh", "a b $HOME"))
                .with("env", Map.of("GREETING", "hello 'fleet'")).with("stdin", "from stdin|").with("cwd", cwd.toString())
                .apply().assertSucceeded();
        assertEquals("a b $HOME|hello 'fleet'|from stdin|" + cwd.toRealPath() + "\n", r.output("stdout"));
        assertEquals(0, r.output("exit_code"));
    }

    @Test
    void secretsReachTheRemoteCommandButNeverACommandLineOnTheHostNorTheOutputs() throws Exception {
        String secret = "S3cret-" + UUID.randomUUID();
        AtomicReference<List<String>> seen = new AtomicReference<>(List.of());
        AtomicReference<Boolean> watching = new AtomicReference<>(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                List<String> hits = HostProcesses.withCommandLineContaining(secret);
                if (!hits.isEmpty()) {
                    seen.set(hits);
                }
            }
        });
        watcher.start();
        StepRecording ok;
        try {
            ok = StepTestKit.of(new ShellExecStep()).host(FLEET.host(0))
                    .with("command", List.of("sh", "-c",
                            "read -r piped || true; sleep 1; [ \"$piped\" = \"$TOKEN\" ] && echo \"token:$TOKEN\""))
                    .with("env", Map.of("TOKEN", new dev.cutover.spi.Secret(secret))).secret("stdin", secret)
                    .apply();
        } finally {
            watching.set(false);
            watcher.join();
        }
        assertEquals(List.of(), seen.get(), "the secret was on a command line on the host");
        assertTrue(ok.succeeded(), String.valueOf(ok.error()));
        assertEquals("token:***\n", ok.output("stdout"), "the command got the secret by env and by stdin");
        assertFalse(String.valueOf(ok.outputs()).contains(secret), "outputs: " + ok.outputs());
    }

    @Test
    void aTimeoutOnTheHostKillsTheCommandsWholeTreeThere() throws Exception {
        String mark = "mark-" + UUID.randomUUID();
        StepRecording r = StepTestKit.of(new ShellExecStep()).host(FLEET.host(0)).timeout(Duration.ofSeconds(2))
                .with("command", List.of("sh", "-c", "sleep 600 & (setsid sleep 600 &); sleep 600"))
                .with("env", Map.of("MARK", mark)).apply();
        r.assertFailed();
        assertTrue(r.error().contains("timed out after 2"), r.error());
        assertEquals(List.of(), HostProcesses.carrying("MARK=" + mark), "survivors on the host");
    }

    @Test
    void anUnexpectedExitCodeNamesTheHost() throws Exception {
        StepRecording r = StepTestKit.of(new ShellExecStep()).host(FLEET.host(0))
                .with("command", List.of("sh", "-c", "echo 'disk full' >&2; exit 3")).apply();
        r.assertFailed();
        assertTrue(r.error().contains("exited with 3 on host-1 (expected 0): disk full"), r.error());
        StepRecording missing = StepTestKit.of(new ShellExecStep()).host(FLEET.host(0))
                .with("command", List.of("no-such-program-" + UUID.randomUUID())).apply();
        missing.assertFailed();
        assertTrue(missing.error().contains("cannot start 'no-such-program-") && missing.error().contains("on host-1"),
                missing.error());
    }
}
