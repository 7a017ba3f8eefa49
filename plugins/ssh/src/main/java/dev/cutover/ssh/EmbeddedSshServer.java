package dev.cutover.ssh;

import dev.cutover.spi.HostSpec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An SSH host in this JVM (Apache MINA SSHD's server, with SFTP), so that {@code ./cutover demo} can roll a
 * change out to "hosts" on a machine that has no sshd. Commands run with {@code /bin/sh -c} as this JVM's
 * user, like a login shell of a real host would run them; files are this machine's. It listens on loopback
 * only, on a port of its own, with a host key generated into its directory and public-key logins for the
 * keys in that directory's {@code authorized_keys}. Not a production server: for demos and tests.
 *
 * @since 0.2
 */
public final class EmbeddedSshServer implements AutoCloseable {
    private final String name;
    private final SshServer server;
    private final Path dir;

    private EmbeddedSshServer(String name, SshServer server, Path dir) {
        this.name = name;
        this.server = server;
        this.dir = dir;
    }

    /**
     * Starts a host named {@code name} keeping its host key and {@code authorized_keys} in {@code dir}
     * (created if missing; authorize a client by {@link #authorize}).
     */
    public static EmbeddedSshServer start(String name, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path authorized = dir.resolve("authorized_keys");
        if (!Files.exists(authorized)) {
            Files.createFile(authorized);
        }
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(0);
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(dir.resolve("host_key"));
        keys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        s.setKeyPairProvider(keys);
        s.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorized));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        // like sshd, every command gets a session (and process group) of its own: stopping one never reaches
        // this JVM's own group
        s.setCommandFactory((channel, command) -> new ProcessShellFactory(command,
                dev.cutover.spi.ChildProcesses.inOwnSession(List.of("/bin/sh", "-c", command))).createShell(channel));
        s.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        // lstat answers for the link itself, as OpenSSH's sftp-server does (a symbolic link stays a link)
        org.apache.sshd.sftp.SftpModuleProperties.AUTO_FOLLOW_LINKS.set(s, false);
        s.start();
        return new EmbeddedSshServer(name, s, dir);
    }

    /**
     * Writes a new client key pair (EC P-256, OpenSSH format, no passphrase, owner-only) to {@code file} and
     * returns it: a demo needs no {@code ssh-keygen}.
     */
    public static KeyPair writeClientKey(Path file) throws IOException {
        return writeClientKey(file, "ecdsa-sha2-nistp256");
    }

    /** As {@link #writeClientKey(Path)}, of the given key type ({@code ecdsa-sha2-nistp256}, {@code ssh-ed25519}). */
    public static KeyPair writeClientKey(Path file, String type) throws IOException {
        try {
            KeyPair k = KeyUtils.generateKeyPair(type, 256);
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
                org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter.INSTANCE
                        .writePrivateKey(k, "cutover-demo", null, out);
                dev.cutover.spi.AtomicFiles.replace(file, out.toByteArray(), dev.cutover.spi.AtomicFiles.OWNER_ONLY);
            }
            return k;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot generate a client key: " + e.getMessage(), e);
        }
    }

    /** Lets the owner of this public key log in. */
    public void authorize(PublicKey key) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), PublicKeyEntry.toString(key) + "\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    public int port() {
        return server.getPort();
    }

    /** The {@code known_hosts} line for this host's key ({@code [127.0.0.1]:port type base64}). */
    public String knownHostsLine() throws IOException {
        try {
            for (KeyPair k : server.getKeyPairProvider().loadKeys(null)) {
                return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(k.getPublic());
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the host key of " + name + ": " + e.getMessage(), e);
        }
        throw new IOException(name + " has no host key");
    }

    /** This host as an inventory entry logging in with {@code identity}, checked against {@code knownHosts}. */
    public HostSpec spec(Path identity, Path knownHosts, Map<String, String> values) {
        return new HostSpec(name, "ssh", "127.0.0.1", port(), System.getProperty("user.name"), identity.toString(),
                null, null, List.of(), values, new HostSpec.Settings(knownHosts.toString(), false,
                Duration.ofSeconds(10), Duration.ofSeconds(15), 4));
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
