package dev.cutover.ssh.testing;

import dev.cutover.spi.HostSpec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real OpenSSH {@code sshd} processes on loopback standing in for a fleet: each "host" is its own sshd
 * ({@code /usr/sbin/sshd -D -e -f <its own sshd_config>}) with its own port, host key, log and directory tree;
 * one client key is generated per instance and authorized on every host; {@link #knownHosts()} holds every
 * host's key. For tests of any module (this module's test-jar):
 *
 * <pre>{@code
 * try (SshdHosts hosts = SshdHosts.start(3); SshConnector ssh = new SshConnector()) {
 *     Host web1 = ssh.connect(hosts.spec(0), (h, t, f) -> { });
 *     web1.run(Host.Command.of(List.of("true"), Duration.ofSeconds(5), null));
 * }
 * }</pre>
 *
 * <p>Needs {@code openssh-server} ({@code ./test} installs it). Runs as root with {@code StrictModes no} and
 * {@code UsePAM no}, as the brief of the fleet tests asks; the login user is the user running the tests.
 */
public final class SshdHosts implements AutoCloseable {
    public static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Path base;
    private final Path clientKey;
    private final Path knownHosts;
    private final List<Sshd> hosts = new ArrayList<>();

    /** One sshd. */
    public record Sshd(String name, int port, Path dir, Path root, Path hostKey, Path log, ProcessHandle process) {
    }

    private SshdHosts(Path base) {
        this.base = base;
        this.clientKey = base.resolve("client/id_ed25519");
        this.knownHosts = base.resolve("client/known_hosts");
    }

    /** Whether this machine can run the fixture (OpenSSH's sshd and ssh-keygen are installed). */
    public static boolean available() {
        return Files.isExecutable(SSHD) && Stream.of("/usr/bin/ssh-keygen", "/bin/ssh-keygen").anyMatch(
                p -> Files.isExecutable(Path.of(p)));
    }

    /** Starts {@code n} hosts named {@code host-1} .. {@code host-n}. */
    public static SshdHosts start(int n) throws IOException, InterruptedException {
        if (!available()) {
            throw new IllegalStateException("OpenSSH's sshd is not installed (" + SSHD + "); run ./test --deps, or "
                    + "apt-get install openssh-server");
        }
        SshdHosts h = new SshdHosts(Files.createTempDirectory("cutover-sshd-"));
        try {
            Files.createDirectories(h.clientKey.getParent());
            keygen(h.clientKey, "cutover-test-client");
            Files.createDirectories(Path.of("/run/sshd"));
            StringBuilder known = new StringBuilder();
            for (int i = 1; i <= n; i++) {
                Sshd s = h.startOne("host-" + i);
                h.hosts.add(s);
                known.append("[127.0.0.1]:").append(s.port()).append(' ')
                        .append(pub(s.hostKey())).append('\n');
            }
            Files.writeString(h.knownHosts, known.toString());
        } catch (IOException | InterruptedException | RuntimeException e) {
            h.close();
            throw e;
        }
        return h;
    }

    private Sshd startOne(String name) throws IOException, InterruptedException {
        Path dir = base.resolve(name);
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        keygen(hostKey, name);
        Path authorized = dir.resolve("authorized_keys");
        Files.writeString(authorized, pub(clientKey) + "\n");
        Path log = dir.resolve("sshd.log");
        for (int attempt = 0; ; attempt++) {
            int port = freePort();
            Path config = dir.resolve("sshd_config");
            Files.writeString(config, String.join("\n",
                    "Port " + port,
                    "ListenAddress 127.0.0.1",
                    "HostKey " + hostKey,
                    "AuthorizedKeysFile " + authorized,
                    "PidFile none",
                    "StrictModes no",
                    "UsePAM no",
                    "PermitRootLogin prohibit-password",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "AllowTcpForwarding yes",
                    "MaxSessions 200",
                    "MaxStartups 200",
                    "LogLevel VERBOSE",
                    "Subsystem sftp internal-sftp",
                    ""));
            // sshd runs under a small parent shell, not as a child of the test JVM: the JVM is the subreaper of the
            // steps it runs, and sshd overwrites its environment (its process title), so a local step's clean-up
            // could take an untagged child of the JVM for one of its orphans. The shell carries a tag of its own.
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "log=$1; shift; \"$@\" >>\"$log\" 2>&1 </dev/null & "
                    + "echo $!; wait", "sshd-fixture", log.toString(), SSHD.toString(), "-D", "-e", "-f", config.toString())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put(dev.cutover.spi.ChildProcesses.SERVICE_TAG_VARIABLE, "sshd-fixture/" + name);
            Process parent = pb.start();
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            ProcessHandle p = first == null ? null : ProcessHandle.of(Long.parseLong(first.trim())).orElse(null);
            if (p == null) {
                parent.destroyForcibly().waitFor();
                throw new IOException("sshd for " + name + " did not start; its log:\n" + Files.readString(log));
            }
            if (awaitListening(port, p)) {
                return new Sshd(name, port, dir, root, hostKey, log, p);
            }
            p.destroyForcibly();
            parent.waitFor();
            if (attempt >= 3) {
                throw new IOException("sshd for " + name + " did not start; its log:\n" + Files.readString(log));
            }
        }
    }

    private static boolean awaitListening(int port, ProcessHandle p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Generates an ed25519 key pair without a passphrase (or with {@code passphrase}) at {@code file}. */
    public static void keygen(Path file, String comment) throws IOException, InterruptedException {
        keygen(file, comment, "");
    }

    public static void keygen(Path file, String comment, String passphrase) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", comment, "-f",
                file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("ssh-keygen failed: " + out);
        }
    }

    /** The public half ({@code <type> <base64>}) of a key file, without its comment. */
    public static String pub(Path privateKey) throws IOException {
        String[] f = Files.readString(Path.of(privateKey + ".pub")).trim().split("\\s+");
        return f[0] + " " + f[1];
    }

    public int size() {
        return hosts.size();
    }

    public Sshd host(int i) {
        return hosts.get(i);
    }

    /** The client key authorized on every host. */
    public Path clientKey() {
        return clientKey;
    }

    /** A known_hosts file with every host's key. */
    public Path knownHosts() {
        return knownHosts;
    }

    /** The host's own directory tree (files of tests on that host go below it). */
    public Path root(int i) {
        return hosts.get(i).root();
    }

    /** Host {@code i} as an inventory entry: the client key, strict checking against {@link #knownHosts()}. */
    public HostSpec spec(int i) {
        return spec(i, new HostSpec.Settings(knownHosts.toString(), false, Duration.ofSeconds(10),
                Duration.ofSeconds(15), 4));
    }

    public HostSpec spec(int i, HostSpec.Settings settings) {
        Sshd s = hosts.get(i);
        return new HostSpec(s.name(), "ssh", "127.0.0.1", s.port(), System.getProperty("user.name"),
                clientKey.toString(), null, null, List.of("test"), Map.of("root", s.root().toString()), settings);
    }

    /** What the host's sshd logged so far. */
    public String log(int i) throws IOException {
        return Files.readString(hosts.get(i).log(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (Sshd s : hosts) {
            s.process().destroy();
        }
        for (Sshd s : hosts) {
            try {
                s.process().onExit().get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                s.process().destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> walk = Files.walk(base)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
