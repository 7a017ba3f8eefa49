package dev.cutover.ssh;

import dev.cutover.spi.HostConnector;
import dev.cutover.spi.HostSpec;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.AbstractClientSession;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.net.SshdSocketAddress;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;

/**
 * Strict host-key checking against one {@code known_hosts} file (MINA's parser: plain and hashed entries,
 * markers). The host is looked up by the address and port the inventory names, even through a jump host
 * (where the socket is a local forward). An unknown key is accepted only when the host's settings say
 * {@code acceptNewHostKeys}: then it is appended to the file and the listener is told. A changed key is
 * never accepted. What went wrong is left on the {@link Attempt} so the connector can say it precisely.
 */
final class HostKeyCheck extends KnownHostsServerKeyVerifier {
    /** The attempt a session belongs to, carried in its connection context. */
    static final AttributeRepository.AttributeKey<Attempt> ATTEMPT = new AttributeRepository.AttributeKey<>();

    /** One connection attempt: the host it is for and what the check found. */
    static final class Attempt {
        final HostSpec spec;
        final HostConnector.HostKeyListener listener;
        volatile String presented;
        volatile String keyType;
        volatile boolean unknown;
        volatile boolean changed;
        volatile String expected;

        Attempt(HostSpec spec, HostConnector.HostKeyListener listener) {
            this.spec = spec;
            this.listener = listener;
        }
    }

    HostKeyCheck(Path knownHosts) {
        super(RejectAllServerKeyVerifier.INSTANCE, knownHosts);
        setModifiedServerKeyAcceptor((session, address, entry, expected, actual) -> {
            Attempt a = attempt(session);
            if (a != null) {
                a.changed = true;
                a.expected = KeyUtils.getFingerPrint(expected);
            }
            return false;
        });
    }

    static Attempt attempt(ClientSession session) {
        if (session instanceof AbstractClientSession s && s.getConnectionContext() != null) {
            return s.getConnectionContext().getAttribute(ATTEMPT);
        }
        return null;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        Attempt a = attempt(session);
        if (a != null) {
            a.presented = KeyUtils.getFingerPrint(key);
            a.keyType = KeyUtils.getKeyType(key);
        }
        return super.verifyServerKey(session, remote, key);
    }

    @Override
    protected Collection<SshdSocketAddress> resolveHostNetworkIdentities(ClientSession session, SocketAddress remote) {
        Attempt a = attempt(session);
        if (a == null) {
            return super.resolveHostNetworkIdentities(session, remote);
        }
        return List.of(new SshdSocketAddress(a.spec.address(), a.spec.port()));
    }

    @Override
    protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
        Attempt a = attempt(session);
        if (a == null || !a.spec.settings().acceptNewHostKeys()) {
            if (a != null) {
                a.unknown = true;
            }
            return false;
        }
        try {
            KnownHostEntry added = updateKnownHostsFile(session, remote, key, getPath(), List.of());
            if (added == null) {
                a.unknown = true;
                return false;
            }
        } catch (Exception e) {
            a.unknown = true;
            return false;
        }
        a.listener.accepted(a.spec.name(), KeyUtils.getKeyType(key), KeyUtils.getFingerPrint(key));
        return true;
    }
}
