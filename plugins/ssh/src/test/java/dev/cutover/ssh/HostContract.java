package dev.cutover.ssh;

import dev.cutover.spi.Host;
import dev.cutover.ssh.testing.HostProcesses;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Host} does, run against this machine ({@link dev.cutover.spi.LocalHost}) and a real sshd
 * ({@link SshHost}). The sshd hosts run on this machine, so the test looks at the host's files and processes
 * directly to check what the host reports.
 */
abstract class HostContract {

    /** The host under test. */
    abstract Host host();

    /** A fresh directory on the host (the same path on this machine). */
    abstract Path dir() throws IOException;

    private Host.Exec run(List<String> argv) throws Exception {
        return host().run(Host.Command.of(argv, Duration.ofSeconds(30), "contract/" + UUID.randomUUID()));
    }

    @Test
    void passesArgvUnchangedWhateverItHolds() throws Exception {
        Host.Exec e = run(List.of("printf", "%s|", "a b", "it's", "$HOME", "*", "`id`", "line\nbreak", ""));
        assertEquals(0, e.exitCode(), e.stderrText());
        assertEquals("a b|it's|$HOME|*|`id`|line\nbreak||", e.stdoutText());
    }

    @Test
    void feedsStdinAndReportsExitCodes() throws Exception {
        byte[] input = "first line\nsecond 'line' $x\n\u00e9".getBytes(StandardCharsets.UTF_8);
        Host.Exec cat = host().run(new Host.Command(List.of("cat"), input, null, Duration.ofSeconds(30), null, null));
        assertArrayEquals(input, cat.stdout());
        Host.Exec three = run(List.of("sh", "-c", "echo oops >&2; exit 3"));
        assertEquals(3, three.exitCode());
        assertEquals("oops\n", three.stderrText());
        assertFalse(three.timedOut());
    }

    @Test
    void givesTheEnvironmentAndTheWorkingDirectory() throws Exception {
        String tricky = "it's \"quoted\"\nsecond line $(id) `id` \\ end";
        Path d = dir();
        Host.Exec e = host().run(new Host.Command(List.of("sh", "-c", "printf '%s|%s|' \"$TRICKY\" \"$PLAIN\"; pwd"),
                null, Map.of("TRICKY", tricky, "PLAIN", "x"), Duration.ofSeconds(30), null, d.toString()));
        assertEquals(0, e.exitCode(), e.stderrText());
        assertEquals(tricky + "|x|" + d.toRealPath() + "\n", e.stdoutText());
    }

    @Test
    void aProgramThatDoesNotExistFailsWithoutTimingOut() throws Exception {
        Host.Exec e = run(List.of("no-such-program-" + UUID.randomUUID()));
        assertTrue(e.exitCode() == 127 || e.exitCode() == 126, "exit " + e.exitCode());
    }

    @Test
    void aTimeoutKillsTheWholeTreeOnTheHost() throws Exception {
        String mark = "mark-" + UUID.randomUUID();
        long begin = System.nanoTime();
        Host.Exec e = host().run(new Host.Command(List.of("sh", "-c",
                "sleep 600 & (setsid sh -c 'sleep 600' &) ; echo started; sleep 600"), null, Map.of("MARK", mark),
                Duration.ofSeconds(2), "contract/" + mark, null));
        assertTrue(e.timedOut());
        assertEquals(-1, e.exitCode());
        assertEquals("started\n", e.stdoutText());
        assertEquals(List.of(), HostProcesses.carrying("MARK=" + mark), "survivors on the host");
        assertTrue(System.nanoTime() - begin > Duration.ofSeconds(1).toNanos());
    }

    @Test
    void anInterruptKillsTheWholeTreeOnTheHostAndIsRethrown() throws Exception {
        String mark = "mark-" + UUID.randomUUID();
        Thread self = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (HostProcesses.carrying("MARK=" + mark).size() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            self.interrupt();
        });
        interrupter.start();
        assertThrows(InterruptedException.class, () -> host().run(new Host.Command(List.of("sh", "-c",
                "sleep 600 & sleep 600"), null, Map.of("MARK", mark), Duration.ofSeconds(60), "contract/" + mark, null)));
        interrupter.join();
        Thread.interrupted();
        assertEquals(List.of(), HostProcesses.carrying("MARK=" + mark), "survivors on the host");
    }

    @Test
    void whatACommandLeavesRunningInItsGroupIsStoppedWhenItExits() throws Exception {
        String mark = "mark-" + UUID.randomUUID();
        Host.Exec e = host().run(new Host.Command(List.of("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!"), null,
                Map.of("MARK", mark), Duration.ofSeconds(30), "contract/" + mark, null));
        assertEquals(0, e.exitCode());
        assertEquals(List.of(), HostProcesses.awaitGone("MARK=" + mark), "left running");
    }

    @Test
    void replaceKeepsModeAndOwnerAndANewFileGetsTheGivenMode() throws Exception {
        Path d = dir();
        Path f = d.resolve("app.conf");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        host().replace(f.toString(), "new".getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-------"));
        assertEquals("new", Files.readString(f));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Path fresh = d.resolve("fresh.conf");
        host().replace(fresh.toString(), new byte[] {1, 2, 3}, PosixFilePermissions.fromString("rw-r--r--"));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(fresh));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        try (var s = Files.list(d)) {
            assertEquals(List.of("app.conf", "fresh.conf"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temp file left beside the target");
        }
    }

    @Test
    void replaceThroughASymbolicLinkKeepsTheLink() throws Exception {
        Path d = dir();
        Path real = d.resolve("real.p12");
        Files.write(real, new byte[] {9});
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        Path link = d.resolve("link.p12");
        Files.createSymbolicLink(link, real.getFileName());
        host().replace(link.toString(), new byte[] {7, 7}, PosixFilePermissions.fromString("rw-------"));
        assertTrue(Files.isSymbolicLink(link));
        assertArrayEquals(new byte[] {7, 7}, Files.readAllBytes(real));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
        Host.FileInfo info = host().stat(link.toString()).orElseThrow();
        assertTrue(info.symlink());
        assertEquals(2, info.size());
    }

    @Test
    void statReadDeleteAndSha256() throws Exception {
        Path d = dir();
        Path f = d.resolve("data.bin");
        Files.writeString(f, "hello\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        Host.FileInfo info = host().stat(f.toString()).orElseThrow();
        assertEquals(6, info.size());
        assertEquals(PosixFilePermissions.fromString("rw-r--r--"), info.permissions());
        assertEquals(Files.getOwner(f).getName(), info.owner());
        assertFalse(info.symlink());
        assertFalse(info.directory());
        assertTrue(host().stat(d.toString()).orElseThrow().directory());
        assertTrue(host().stat(d.resolve("missing").toString()).isEmpty());
        assertEquals("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", host().sha256(f.toString()));
        assertArrayEquals("hello\n".getBytes(StandardCharsets.UTF_8), host().read(f.toString()));
        assertThrows(NoSuchFileException.class, () -> host().read(d.resolve("missing").toString()));
        assertThrows(NoSuchFileException.class, () -> host().sha256(d.resolve("missing").toString()));
        assertTrue(host().delete(f.toString()));
        assertFalse(Files.exists(f));
        assertFalse(host().delete(f.toString()));
    }
}
