package dev.cutover.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** A real JDK TLS server on loopback presenting a given certificate chain; handshakes every connection, then closes it. */
final class TestTlsServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;

    private TestTlsServer(ServerSocket server) {
        this.server = server;
        this.thread = new Thread(this::serve, "test-tls-server");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** A TLS server presenting {@code identity} with its chain. */
    static TestTlsServer start(TestPki.Issued identity) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "server-key-pw".toCharArray();
        ks.setKeyEntry("server", identity.key(), pw, identity.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new TestTlsServer(s);
    }

    /** A plain TCP server that answers with text, to stand for a non-TLS port. */
    static TestTlsServer plain() throws IOException {
        return new TestTlsServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                if (s instanceof SSLSocket ssl) {
                    ssl.startHandshake();
                    InputStream in = ssl.getInputStream();
                    in.read();
                } else {
                    s.getOutputStream().write("220 hello, this is not TLS\r\n".getBytes());
                    s.getOutputStream().flush();
                    s.getInputStream().read(new byte[512]);
                }
            } catch (IOException e) {
                // a client that gives up mid-handshake is expected in these tests
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
