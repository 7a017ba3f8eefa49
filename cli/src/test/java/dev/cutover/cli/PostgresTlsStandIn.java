package dev.cutover.cli;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

/**
 * A TLS endpoint that speaks PostgreSQL's SSLRequest preamble and then TLS with a given key pair: what a
 * client's new connection to an RDS instance sees up to the end of the handshake. Stands in for the
 * database endpoint in tests of the AWS path, where the database itself is the RDS test double.
 */
final class PostgresTlsStandIn implements AutoCloseable {
    private static final int SSL_REQUEST = 80877103;
    private final ServerSocket server;
    private final SSLContext tls;
    private final Thread acceptor;

    PostgresTlsStandIn(Path keys, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "postgres-tls-stand-in");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket raw = server.accept()) {
                raw.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(raw.getInputStream());
                int length = in.readInt();
                int code = in.readInt();
                if (length != 8 || code != SSL_REQUEST) {
                    continue;
                }
                raw.getOutputStream().write('S');
                raw.getOutputStream().flush();
                try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, "localhost", raw.getPort(),
                        false)) {
                    s.setUseClientMode(false);
                    s.startHandshake();
                    s.getInputStream().read();
                } catch (IOException handshakeFailed) {
                    // the client refused the certificate: that is what the test may want to see
                }
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
