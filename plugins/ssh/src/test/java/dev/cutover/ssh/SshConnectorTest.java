package dev.cutover.ssh;

import dev.cutover.spi.Host;
import dev.cutover.spi.HostConnector;
import dev.cutover.spi.HostSpec;
import dev.cutover.ssh.testing.HostProcesses;
import dev.cutover.ssh.testing.SshdHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSH transport against real OpenSSH sshd hosts: host keys, logins, secrets, reuse, jump hosts. */
class SshConnectorTest {
    private static final HostConnector.HostKeyListener NO_NEW_KEYS = (h, t, f) -> {
        throw new AssertionError("no host key may be accepted here");
    };
    private static SshdHosts hosts;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        hosts = SshdHosts.start(3);
    }

    @AfterAll
    static void stop() {
        if (hosts != null) {
            hosts.close();
        }
    }

    private HostSpec.Settings settings(Path knownHosts, boolean acceptNew) {
        return new HostSpec.Settings(knownHosts.toString(), acceptNew, Duration.ofSeconds(10), Duration.ofSeconds(15), 4);
    }

    private static int logins(String log) {
        Matcher m = Pattern.compile("Accepted publickey for").matcher(log);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void isFoundByServiceLoaderAsTheSshTransport() {
        List<String> transports = new ArrayList<>();
        ServiceLoader.load(HostConnector.class).forEach(c -> transports.add(c.transport()));
        assertEquals(List.of("ssh"), transports);
    }

    @Test
    void anUnknownHostKeyIsRefusedBeforeAnythingRuns() throws Exception {
        Path empty = Files.createFile(dir.resolve("known_hosts"));
        int before = logins(hosts.log(0));
        try (SshConnector ssh = new SshConnector()) {
            HostConnector.HostKeyException e = assertThrows(HostConnector.HostKeyException.class,
                    () -> ssh.connect(hosts.spec(0, settings(empty, false)), NO_NEW_KEYS));
            assertFalse(e.changed());
            assertTrue(e.getMessage().contains("host-1 (127.0.0.1:" + hosts.host(0).port() + ") is not in " + empty),
                    e.getMessage());
            assertTrue(e.getMessage().contains("SHA256:"), e.getMessage());
        }
        assertEquals(before, logins(hosts.log(0)), "no login happened");
        assertEquals("", Files.readString(empty), "nothing was added to known_hosts");
    }

    @Test
    void aChangedHostKeyIsRefusedEvenWhenNewKeysAreAccepted() throws Exception {
        Path other = dir.resolve("other_key");
        SshdHosts.keygen(other, "an impostor");
        Path known = dir.resolve("known_hosts");
        Files.writeString(known, "[127.0.0.1]:" + hosts.host(1).port() + " " + SshdHosts.pub(other) + "\n");
        try (SshConnector ssh = new SshConnector()) {
            HostConnector.HostKeyException e = assertThrows(HostConnector.HostKeyException.class,
                    () -> ssh.connect(hosts.spec(1, settings(known, true)), NO_NEW_KEYS));
            assertTrue(e.changed());
            assertTrue(e.getMessage().startsWith("HOST KEY CHANGED: host-2"), e.getMessage());
        }
        assertEquals("[127.0.0.1]:" + hosts.host(1).port() + " " + SshdHosts.pub(other) + "\n", Files.readString(known),
                "known_hosts untouched");
    }

    @Test
    void aNewHostKeyAcceptedExplicitlyIsWrittenAndReportedThenTrusted() throws Exception {
        Path known = dir.resolve("ssh/known_hosts");
        List<String> accepted = new ArrayList<>();
        try (SshConnector ssh = new SshConnector()) {
            Host h = ssh.connect(hosts.spec(2, settings(known, true)), (host, type, fingerprint) ->
                    accepted.add(host + " " + type + " " + fingerprint));
            assertEquals(0, h.run(Host.Command.of(List.of("true"), Duration.ofSeconds(10), null)).exitCode());
        }
        assertEquals(1, accepted.size(), accepted.toString());
        assertTrue(accepted.get(0).startsWith("host-3 ssh-ed25519 SHA256:"), accepted.toString());
        String line = Files.readString(known);
        assertTrue(line.contains(SshdHosts.pub(hosts.host(2).hostKey()).split(" ")[1]), line);
        try (SshConnector ssh = new SshConnector()) {
            Host h = ssh.connect(hosts.spec(2, settings(known, false)), NO_NEW_KEYS);
            assertEquals(0, h.run(Host.Command.of(List.of("true"), Duration.ofSeconds(10), null)).exitCode());
        }
    }

    @Test
    void oneConnectionPerHostServesEveryCommandAndFile() throws Exception {
        int before = logins(hosts.log(0));
        try (SshConnector ssh = new SshConnector()) {
            Host h = ssh.connect(hosts.spec(0), NO_NEW_KEYS);
            Path f = Files.createTempDirectory(hosts.root(0), "reuse").resolve("f");
            for (int i = 0; i < 20; i++) {
                assertEquals(0, h.run(Host.Command.of(List.of("true"), Duration.ofSeconds(10), null)).exitCode());
                h.replace(f.toString(), new byte[] {(byte) i}, java.nio.file.attribute.PosixFilePermissions
                        .fromString("rw-------"));
                h.stat(f.toString());
            }
            assertSame(h, ssh.connect(hosts.spec(0), NO_NEW_KEYS), "the open connection is reused");
        }
        assertEquals(before + 1, logins(hosts.log(0)), "one SSH login for 20 commands, 20 writes and 20 stats");
    }

    @Test
    void secretsNeverReachACommandLineOnTheHost() throws Exception {
        String secret = "Secret-" + UUID.randomUUID();
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicReference<List<String>> seen = new AtomicReference<>(List.of());
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                List<String> hits = HostProcesses.withCommandLineContaining(secret);
                if (!hits.isEmpty()) {
                    seen.set(hits);
                }
            }
        });
        Host.Exec e;
        try (SshConnector ssh = new SshConnector()) {
            Host h = ssh.connect(hosts.spec(1), NO_NEW_KEYS);
            watcher.start();
            e = h.run(new Host.Command(List.of("sh", "-c", "read -r a; sleep 1; [ \"$a\" = \"$PW\" ] && echo same"),
                    (secret + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of("PW", secret),
                    Duration.ofSeconds(20), null, null));
        } finally {
            watching.set(false);
            watcher.join();
        }
        assertEquals("same\n", e.stdoutText(), "the command got the secret on stdin and in its environment");
        assertEquals(List.of(), seen.get(), "the secret was on a command line on the host");
        assertFalse(hosts.log(1).contains(secret), "nor in sshd's log");
    }

    @Test
    void reachesAHostThroughAJumpHost() throws Exception {
        HostSpec jump = hosts.spec(0);
        HostSpec target = hosts.spec(2);
        HostSpec viaJump = new HostSpec(target.name(), "ssh", target.address(), target.port(), target.user(),
                target.identity(), null, jump, target.groups(), target.values(), target.settings());
        int jumpLogins = logins(hosts.log(0));
        try (SshConnector ssh = new SshConnector()) {
            Host h = ssh.connect(viaJump, NO_NEW_KEYS);
            assertEquals("through\n", h.run(Host.Command.of(List.of("echo", "through"), Duration.ofSeconds(10), null))
                    .stdoutText());
        }
        assertEquals(jumpLogins + 1, logins(hosts.log(0)), "logged in to the jump host");
        String log = hosts.log(2);
        assertTrue(log.contains("Accepted publickey for"), log);
    }

    @Test
    void logsInWithAnEncryptedKeyGivenItsPassphraseAsASecret() throws Exception {
        Path key = dir.resolve("id_locked");
        String passphrase = "Pass-" + UUID.randomUUID();
        SshdHosts.keygen(key, "locked", passphrase);
        Files.writeString(hosts.host(0).dir().resolve("authorized_keys"), SshdHosts.pub(key) + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        HostSpec base = hosts.spec(0);
        HostSpec locked = new HostSpec(base.name(), "ssh", base.address(), base.port(), base.user(), key.toString(),
                new dev.cutover.spi.Secret(passphrase), null, base.groups(), base.values(), base.settings());
        try (SshConnector ssh = new SshConnector()) {
            Host h = ssh.connect(locked, NO_NEW_KEYS);
            assertEquals("ok\n", h.run(Host.Command.of(List.of("echo", "ok"), Duration.ofSeconds(10), null)).stdoutText());
        }
        HostSpec wrong = new HostSpec(base.name(), "ssh", base.address(), base.port(), base.user(), key.toString(),
                new dev.cutover.spi.Secret("not-" + passphrase), null, base.groups(), base.values(), base.settings());
        try (SshConnector ssh = new SshConnector()) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> ssh.connect(wrong, NO_NEW_KEYS));
            assertTrue(e.getMessage().contains("cannot read identity file " + key), e.getMessage());
            assertFalse(e.getMessage().contains(passphrase), "the passphrase in a message");
        }
    }

    @Test
    void logsInWithAKeyHeldByTheSshAgent() throws Exception {
        Path socket = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.exists(socket) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ProcessBuilder add = new ProcessBuilder("ssh-add", hosts.clientKey().toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process a = add.start();
            String out = new String(a.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, a.waitFor(), out);
            HostSpec base = hosts.spec(1);
            HostSpec viaAgent = new HostSpec(base.name(), "ssh", base.address(), base.port(), base.user(), null, null,
                    null, base.groups(), base.values(), base.settings());
            try (SshConnector ssh = new SshConnector(socket)) {
                Host h = ssh.connect(viaAgent, NO_NEW_KEYS);
                assertEquals("agent\n", h.run(Host.Command.of(List.of("echo", "agent"), Duration.ofSeconds(10), null))
                        .stdoutText());
                // the agent is used to log in, never forwarded to the host (sshd allows forwarding by default)
                assertEquals("none", h.run(Host.Command.of(List.of("sh", "-c", "printf %s \"${SSH_AUTH_SOCK:-none}\""),
                        Duration.ofSeconds(10), null)).stdoutText());
            }
        } finally {
            agent.destroy();
            agent.waitFor();
        }
    }
}
