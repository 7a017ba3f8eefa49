package dev.cutover.ssh;

import dev.cutover.spi.Host;
import dev.cutover.spi.HostConnector;
import dev.cutover.spi.HostSpec;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code ssh} transport: opens {@link SshHost}s with the Apache MINA SSHD client, one connection per
 * host, reused by all its steps until {@link #close}. Host keys are checked strictly against the
 * {@code known_hosts} file of the host's settings ({@link HostKeyCheck}). The login uses the host's
 * identity file (its passphrase a secret), else the operator's SSH agent ({@code SSH_AUTH_SOCK}), else the
 * default keys in {@code ~/.ssh}. A host with a jump host is reached through a forward over the jump
 * host's own (checked, reused) connection. Keep-alives detect a lost host.
 *
 * <p>Found with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.cutover.spi.HostConnector}).
 *
 * @since 0.2
 */
public final class SshConnector implements HostConnector {
    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private final Map<String, SshHost> hosts = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<Path, HostKeyCheck> knownHosts = new ConcurrentHashMap<>();
    private final List<ExplicitPortForwardingTracker> forwards = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final UnixSocketAgent agent;
    private volatile SshClient client;

    /** The connector {@link java.util.ServiceLoader} makes: the operator's agent is {@code SSH_AUTH_SOCK}'s. */
    public SshConnector() {
        this(UnixSocketAgent.fromEnvironment());
    }

    /** A connector whose agent listens on {@code agentSocket} (tests; a run uses {@code SSH_AUTH_SOCK}). */
    public SshConnector(Path agentSocket) {
        this(agentSocket == null ? null : new UnixSocketAgent(agentSocket));
    }

    private SshConnector(UnixSocketAgent agent) {
        this.agent = agent;
    }

    @Override
    public String transport() {
        return "ssh";
    }

    @Override
    public Host connect(HostSpec spec, HostKeyListener listener) throws IOException, InterruptedException {
        return open(spec, listener);
    }

    private SshHost open(HostSpec spec, HostKeyListener listener) throws IOException, InterruptedException {
        String key = key(spec);
        SshHost open = hosts.get(key);
        if (open != null && open.isOpen()) {
            return open;
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            open = hosts.get(key);
            if (open != null && open.isOpen()) {
                return open;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            SshHost host = new SshHost(spec, login(spec, listener));
            hosts.put(key, host);
            return host;
        }
    }

    private static String key(HostSpec spec) {
        return user(spec) + "@" + spec.address() + ":" + spec.port() + (spec.jump() == null ? "" : " via " + key(spec.jump()));
    }

    private static String user(HostSpec spec) {
        return spec.user() != null ? spec.user() : System.getProperty("user.name");
    }

    private ClientSession login(HostSpec spec, HostKeyListener listener) throws IOException, InterruptedException {
        SshClient c = client();
        String address = spec.address();
        int port = spec.port();
        if (spec.jump() != null) {
            SshHost jump = open(spec.jump(), listener);
            ExplicitPortForwardingTracker forward = jump.session().createLocalPortForwardingTracker(
                    new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress(spec.address(), spec.port()));
            forwards.add(forward);
            address = forward.getBoundAddress().getHostName();
            port = forward.getBoundAddress().getPort();
        }
        knownHosts(spec);
        HostKeyCheck.Attempt attempt = new HostKeyCheck.Attempt(spec, listener);
        Duration timeout = spec.settings().connectTimeout();
        ClientSession session = null;
        try {
            session = c.connect(user(spec), address, port, AttributeRepository.ofKeyValuePair(HostKeyCheck.ATTEMPT,
                    attempt), null).verify(timeout).getSession();
            CoreModuleProperties.HEARTBEAT_INTERVAL.set(session, spec.settings().keepAlive());
            CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(session, spec.settings().keepAliveMax());
            CoreModuleProperties.IDLE_TIMEOUT.set(session, Duration.ZERO);
            for (KeyPair k : identities(spec)) {
                session.addPublicKeyIdentity(k);
            }
            session.auth().verify(timeout);
            return session;
        } catch (IOException e) {
            if (session != null) {
                session.close(true);
            }
            if (Thread.currentThread().isInterrupted() || e instanceof InterruptedIOException) {
                throw new InterruptedException("stopped while connecting to " + spec.name());
            }
            throw explain(spec, attempt, e);
        }
    }

    private IOException explain(HostSpec spec, HostKeyCheck.Attempt a, IOException e) {
        String where = spec.name() + " (" + spec.address() + ":" + spec.port() + ")";
        Path file = knownHostsFile(spec);
        if (a.changed) {
            return new HostKeyException("HOST KEY CHANGED: " + where + " presented " + a.keyType + " key "
                    + a.presented + ", but " + file + " holds " + a.expected + " for it. Someone may be intercepting"
                    + " the connection, or the host was rebuilt; nothing was run. Verify the new key out of band, then"
                    + " remove the old entry (ssh-keygen -R '" + knownHostsName(spec) + "' -f " + file + ")", true);
        }
        if (a.unknown) {
            return new HostKeyException(where + " is not in " + file + " (it presented " + a.keyType + " key "
                    + a.presented + "); nothing was run. Verify that fingerprint out of band and add the key"
                    + " (ssh-keyscan -p " + spec.port() + " " + spec.address() + " >> " + file
                    + "), or accept new host keys explicitly for this run", false);
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SshException && msg.contains("No more authentication methods")) {
            return new IOException("cannot log in to " + where + " as " + user(spec) + ": the host refused every key"
                    + (spec.identity() == null ? " (agent and default keys)" : " (" + spec.identity() + ")"), e);
        }
        return new IOException("cannot connect to " + where + ": " + msg, e);
    }

    private static String knownHostsName(HostSpec spec) {
        return spec.port() == 22 ? spec.address() : "[" + spec.address() + "]:" + spec.port();
    }

    private HostKeyCheck knownHosts(HostSpec spec) throws IOException {
        Path file = knownHostsFile(spec);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && spec.settings().acceptNewHostKeys()) {
            Files.createDirectories(dir);
        }
        return knownHosts.computeIfAbsent(file.toAbsolutePath().normalize(), HostKeyCheck::new);
    }

    private static Path knownHostsFile(HostSpec spec) {
        String f = spec.settings().knownHosts();
        return f != null ? Path.of(f) : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    }

    /** The host's identity file (decrypted with its passphrase), or none: then the agent and default keys. */
    private List<KeyPair> identities(HostSpec spec) throws IOException {
        List<Path> files = new ArrayList<>();
        if (spec.identity() != null) {
            files.add(Path.of(spec.identity()));
        } else if (agent == null) {
            for (String k : DEFAULT_KEYS) {
                Path p = Path.of(System.getProperty("user.home"), ".ssh", k);
                if (Files.isReadable(p)) {
                    files.add(p);
                }
            }
        }
        FilePasswordProvider password = spec.passphrase() == null ? FilePasswordProvider.EMPTY
                : FilePasswordProvider.of(spec.passphrase().reveal());
        List<KeyPair> out = new ArrayList<>();
        for (Path p : files) {
            try (InputStream in = Files.newInputStream(p)) {
                Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(p.toString()),
                        in, password);
                if (keys != null) {
                    keys.forEach(out::add);
                }
            } catch (NoSuchFileException e) {
                throw new IOException("identity file " + p + " for " + spec.name() + " does not exist", e);
            } catch (GeneralSecurityException | IOException e) {
                throw new IOException("cannot read identity file " + p + " for " + spec.name()
                        + (spec.passphrase() == null ? " (encrypted? give its passphrase)" : " (wrong passphrase?)"), e);
            }
        }
        return out;
    }

    private SshClient client() {
        SshClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    SshClient s = SshClient.setUpDefaultClient();
                    s.setServerKeyVerifier((session, remote, key) -> {
                        HostKeyCheck.Attempt a = HostKeyCheck.attempt(session);
                        HostKeyCheck check = a == null ? null : knownHosts.get(knownHostsFile(a.spec).toAbsolutePath().normalize());
                        return check != null && check.verifyServerKey(session, remote, key);
                    });
                    s.setHostConfigEntryResolver(org.apache.sshd.client.config.hosts.HostConfigEntryResolver.EMPTY);
                    s.setKeyIdentityProvider(org.apache.sshd.common.keyprovider.KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
                    if (agent != null) {
                        s.setAgentFactory(agent);
                    }
                    s.start();
                    client = s;
                }
                c = client;
            }
        }
        return c;
    }

    /** The hosts connected so far, by connection. */
    public List<SshHost> connected() {
        return List.copyOf(hosts.values());
    }

    @Override
    public void close() {
        hosts.values().forEach(SshHost::close);
        hosts.clear();
        for (ExplicitPortForwardingTracker f : forwards) {
            try {
                f.close();
            } catch (IOException e) {
                // the jump host's connection is closing too
            }
        }
        forwards.clear();
        SshClient c = client;
        client = null;
        if (c != null) {
            c.stop();
        }
    }
}
