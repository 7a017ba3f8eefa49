package dev.cutover.ssh;

import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * The operator's SSH agent ({@code SSH_AUTH_SOCK}) reached over the JDK's own Unix-domain sockets. MINA
 * speaks the agent protocol ({@link AbstractAgentProxy}); this class only carries its framed messages,
 * since MINA's own Unix agent client needs the Tomcat native library. Keys never leave the agent.
 */
final class UnixSocketAgent implements SshAgentFactory {
    private final Path socket;

    UnixSocketAgent(Path socket) {
        this.socket = socket;
    }

    /** The agent named by {@code SSH_AUTH_SOCK}, when there is one. */
    static UnixSocketAgent fromEnvironment() {
        String sock = System.getenv(SshAgent.SSH_AUTHSOCKET_ENV_NAME);
        return sock == null || sock.isBlank() ? null : new UnixSocketAgent(Path.of(sock));
    }

    @Override
    public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
        return List.of();
    }

    @Override
    public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
        return new Proxy(SocketChannel.open(StandardProtocolFamily.UNIX), socket);
    }

    /**
     * The agent server is what a session would use to forward the operator's agent to the host. cutover never
     * asks for agent forwarding ({@link #getChannelForwardingFactories} offers none): anyone with root on a fleet
     * host could use a forwarded agent to log in elsewhere as the operator. MINA calls this only when
     * forwarding is requested, so it refuses.
     */
    @Override
    public SshAgentServer createServer(ConnectionService service) {
        throw new UnsupportedOperationException("cutover does not forward the SSH agent to hosts, by design");
    }

    private static final class Proxy extends AbstractAgentProxy {
        private final SocketChannel channel;

        Proxy(SocketChannel channel, Path socket) throws IOException {
            super(null);
            this.channel = channel;
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                channel.close();
                throw new IOException("cannot reach the SSH agent at " + socket + ": " + e.getMessage(), e);
            }
        }

        @Override
        protected synchronized Buffer request(Buffer buffer) throws IOException {
            int end = buffer.wpos();
            buffer.wpos(0);
            buffer.putUInt(end - 4L);
            buffer.wpos(end);
            ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer len = ByteBuffer.allocate(4);
            fill(len);
            int n = len.flip().getInt();
            if (n < 0 || n > 256 * 1024) {
                throw new IOException("the SSH agent sent a malformed reply (" + n + " bytes)");
            }
            ByteBuffer body = ByteBuffer.allocate(n);
            fill(body);
            return new ByteArrayBuffer(body.array());
        }

        private void fill(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (channel.read(b) < 0) {
                    throw new EOFException("the SSH agent closed the connection");
                }
            }
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                channel.close();
            }
        }
    }
}
