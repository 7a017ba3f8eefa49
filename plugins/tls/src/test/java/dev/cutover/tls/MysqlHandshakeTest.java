package dev.cutover.tls;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tls.handshake with protocol: mysql against a loopback stand-in that speaks MySQL's greeting and SSL request
 * exchange byte for byte and then real JDK TLS on the same socket (no MySQL server is available to the tests).
 */
class MysqlHandshakeTest {
    private static final int CLIENT_SSL = 0x0800;
    @TempDir
    Path dir;

    private static byte[] greeting(boolean offersTls) {
        byte[] version = "8.0.36-standin".getBytes(StandardCharsets.US_ASCII);
        int caps = offersTls ? 0xFFFF : 0xFFFF & ~CLIENT_SSL;
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
        p.write(10);
        p.writeBytes(version);
        p.write(0);
        p.writeBytes(new byte[]{1, 0, 0, 0});
        p.writeBytes("12345678".getBytes(StandardCharsets.US_ASCII));
        p.write(0);
        p.write(caps & 0xff);
        p.write((caps >> 8) & 0xff);
        p.write(45);
        p.writeBytes(new byte[]{2, 0});
        p.writeBytes(new byte[]{(byte) 0xff, (byte) 0x81});
        p.write(21);
        p.writeBytes(new byte[10]);
        byte[] payload = p.toByteArray();
        byte[] packet = new byte[payload.length + 4];
        packet[0] = (byte) payload.length;
        System.arraycopy(payload, 0, packet, 4, payload.length);
        return packet;
    }

    private static Thread serveOnce(ServerSocket server, SSLContext tls, boolean offersTls, AtomicReference<byte[]> request) {
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write(greeting(offersTls));
                out.flush();
                if (!offersTls) {
                    s.getInputStream().read();
                    return;
                }
                byte[] req = new byte[36];
                new DataInputStream(s.getInputStream()).readFully(req);
                request.set(req);
                try (SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), false)) {
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    ssl.getInputStream().read();
                }
            } catch (IOException e) {
                // the client closing after its handshake is expected
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static SSLContext serverContext(TestPki.Issued identity) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", identity.key(), "k".toCharArray(), identity.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "k".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    @Test
    void sendsTheSslRequestPacketAfterTheGreetingThenHandshakes() throws Exception {
        TestPki.Issued ca = TestPki.root("MySQL Test CA", TestPki.rsa());
        TestPki.Issued server = TestPki.server("localhost", TestPki.rsa(), ca, List.of("localhost"));
        Path trust = TestPki.writePem(dir.resolve("ca.pem"), ca.cert());
        AtomicReference<byte[]> request = new AtomicReference<>();
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = serveOnce(ss, serverContext(server), true, request);
            StepRecording r = StepTestKit.of(new HandshakeStep()).with("host", "localhost").with("port", ss.getLocalPort())
                    .with("protocol", "mysql").with("truststore", trust).with("timeout", "5s").apply().assertSucceeded();
            t.join(5000);
            assertTrue(r.output("tls_protocol").toString().startsWith("TLSv1."));
        }
        byte[] req = request.get();
        assertEquals(32, req[0]);
        assertEquals(1, req[3], "sequence id");
        assertTrue((req[5] & (CLIENT_SSL >> 8)) != 0, "CLIENT_SSL flag");
    }

    @Test
    void aServerThatDoesNotOfferTlsIsExplained() throws Exception {
        TestPki.Issued ca = TestPki.root("MySQL Test CA", TestPki.rsa());
        Path trust = TestPki.writePem(dir.resolve("ca.pem"), ca.cert());
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = serveOnce(ss, null, false, new AtomicReference<>());
            StepRecording r = StepTestKit.of(new HandshakeStep()).with("host", "localhost").with("port", ss.getLocalPort())
                    .with("protocol", "mysql").with("truststore", trust).with("timeout", "5s").apply().assertFailed();
            t.join(5000);
            assertTrue(r.error().contains("does not offer TLS"), r.error());
        }
    }
}
