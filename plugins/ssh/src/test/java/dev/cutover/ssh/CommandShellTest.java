package dev.cutover.ssh;

import dev.cutover.spi.Host;
import dev.cutover.ssh.testing.ConnectedHosts;
import dev.cutover.ssh.testing.HostProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's command shell ({@link CommandShell}) on a real OpenSSH sshd: commands without input of their own
 * run one after another in one long-lived shell (the user's login shell starts once per host, not once per
 * command), and each still behaves as if it had a channel of its own.
 */
class CommandShellTest {
    @RegisterExtension
    static final ConnectedHosts FLEET = ConnectedHosts.of(1);

    private static Host host() {
        return FLEET.host(0);
    }

    private static Host.Exec run(String script) throws Exception {
        return run(script, Map.of(), null);
    }

    private static Host.Exec run(String script, Map<String, String> env, String dir) throws Exception {
        return host().run(new Host.Command(List.of("sh", "-c", script), null, env, Duration.ofSeconds(30),
                "shell-test/" + UUID.randomUUID(), dir));
    }

    /** The pid of the process that started the command's parent: the shell that runs the host's commands. */
    private static String runner() throws Exception {
        Host.Exec e = run("set -- $(sed 's/^.*) //' /proc/$PPID/stat); echo $2");
        assertEquals(0, e.exitCode(), e.stderrText());
        return e.stdoutText().trim();
    }

    @Test
    void commandsOneAfterAnotherShareOneShellOnTheHost() throws Exception {
        String first = runner();
        for (int i = 0; i < 5; i++) {
            assertEquals(first, runner(), "a login shell per command");
        }
        // and that shell is not the host's sshd: it is the /bin/sh the connection started once
        String cmdline = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", first, "cmdline")),
                StandardCharsets.UTF_8);
        assertTrue(cmdline.startsWith("/bin/sh\0-c\0"), cmdline);
        assertTrue(cmdline.endsWith("cutover-shell\0"), cmdline);
    }

    @Test
    void nothingOfOneCommandReachesTheNext() throws Exception {
        String mark = "m" + UUID.randomUUID().toString().replace("-", "");
        Host.Exec set = run("export LEFT=" + mark + "; cd /tmp; echo $LEFT", Map.of("GIVEN", mark), "/");
        assertEquals(mark + "\n", set.stdoutText());
        String home = run("printf %s \"$HOME\"").stdoutText();
        Host.Exec next = run("printf '%s|%s|' \"$LEFT\" \"$GIVEN\"; pwd");
        assertEquals("||" + java.nio.file.Path.of(home).toRealPath() + "\n", next.stdoutText());
    }

    @Test
    void outputIsExactWhateverItEndsWithAndHoldsNoEndMark() throws Exception {
        // no final newline, a line that looks like an end mark, binary bytes, stdout and stderr interleaved
        Host.Exec e = run("printf 'a\\n0123456789abcdef0123456789abcdef 0\\n'; printf 'x' >&2; printf '\\000\\377'; "
                + "printf 'y\\n\\n' >&2; exit 7");
        assertEquals(7, e.exitCode());
        assertArrayEquals("a\n0123456789abcdef0123456789abcdef 0\n\0\u00ff".getBytes(StandardCharsets.ISO_8859_1),
                e.stdout());
        assertEquals("xy\n\n", e.stderrText());
        Host.Exec none = run("true");
        assertEquals(0, none.stdout().length);
        assertEquals(0, none.stderr().length);
    }

    @Test
    void largeOutputArrivesWhole() throws Exception {
        Host.Exec e = run("head -c 3000000 /dev/zero | tr '\\0' 'z'; echo; head -c 200000 /dev/zero | tr '\\0' 'e' >&2");
        assertEquals(0, e.exitCode());
        assertEquals(3_000_001, e.stdout().length);
        assertEquals(200_000, e.stderr().length);
        assertEquals("ok\n", run("echo ok").stdoutText(), "the shell is still in step after it");
    }

    @Test
    void aCommandReadsNoInputOfTheShellAndInputOfItsOwnStillArrives() throws Exception {
        // a command without input sees end of file at once (it must not read the shell's requests)
        Host.Exec cat = run("cat; echo done");
        assertEquals("done\n", cat.stdoutText());
        byte[] input = "its own input\n".getBytes(StandardCharsets.UTF_8);
        Host.Exec own = host().run(new Host.Command(List.of("cat"), input, null, Duration.ofSeconds(30), null, null));
        assertArrayEquals(input, own.stdout());
        assertEquals("after\n", run("echo after").stdoutText());
    }

    @Test
    void theShellSurvivesATimeoutAndKeepsRunningCommands() throws Exception {
        String before = runner();
        String mark = "mark-" + UUID.randomUUID();
        Host.Exec e = host().run(new Host.Command(List.of("sh", "-c", "echo started; sleep 600"), null,
                Map.of("MARK", mark), Duration.ofSeconds(1), "shell-test/" + mark, null));
        assertTrue(e.timedOut());
        assertEquals("started\n", e.stdoutText());
        assertEquals(List.of(), HostProcesses.carrying("MARK=" + mark), "survivors on the host");
        assertEquals(before, runner(), "the shell was replaced after a timeout");
    }

    @Test
    void commandsAtOnceOnOneHostAllRunAndKeepTheirOutputs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Host.Exec>> all = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int n = i;
                all.add(pool.submit(() -> run("sleep 0.0" + (n % 5) + "; echo " + n + "; echo e" + n + " >&2; exit "
                        + (n % 3))));
            }
            for (int i = 0; i < all.size(); i++) {
                Host.Exec e = all.get(i).get();
                assertEquals(i + "\n", e.stdoutText());
                assertEquals("e" + i + "\n", e.stderrText());
                assertEquals(i % 3, e.exitCode());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void secretsInTheEnvironmentAreOnNoCommandLineOfTheHost() throws Exception {
        String secret = "s3cret-" + UUID.randomUUID();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Host.Exec> f = pool.submit(() -> run("sleep 2; printf %s \"$PASSWORD\" | wc -c",
                    Map.of("PASSWORD", secret), null));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (HostProcesses.carrying("PASSWORD=" + secret).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(HostProcesses.carrying("PASSWORD=" + secret).isEmpty(), "the command never ran");
            assertEquals(List.of(), HostProcesses.withCommandLineContaining(secret), "a secret on a command line");
            assertEquals(String.valueOf(secret.length()), f.get().stdoutText().trim());
        } finally {
            pool.shutdownNow();
        }
    }
}
