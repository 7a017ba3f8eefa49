package dev.cutover.http;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** http.check against a real HTTPS server that requires a client certificate (mTLS). */
class MutualTlsTest {
    @TempDir
    Path dir;
    private HttpsServer server;
    private String url;
    private KeyPair caKeys;
    private X509Certificate ca;
    private Path truststore;

    @BeforeEach
    void start() throws Exception {
        caKeys = TestCerts.rsa();
        ca = TestCerts.cert("CN=mTLS Test CA", caKeys, "CN=mTLS Test CA", caKeys, true);
        KeyPair serverKeys = TestCerts.rsa();
        X509Certificate leaf = TestCerts.cert("CN=mTLS Test CA", caKeys, "CN=localhost", serverKeys, false);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(TestCerts.keyStore(serverKeys, "k", leaf, ca), "k".toCharArray());
        KeyStore clients = KeyStore.getInstance("PKCS12");
        clients.load(null, null);
        clients.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(clients);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", ex -> {
            SSLSession session = ((com.sun.net.httpserver.HttpsExchange) ex).getSSLSession();
            String who = ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName();
            byte[] b = ("{\"client\":\"" + who + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        url = "https://localhost:" + server.getAddress().getPort() + "/health";
        truststore = TestCerts.trustStore(dir.resolve("trust.p12"), ca);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private StepTestKit check() {
        return StepTestKit.of(new CheckStep()).with("url", url).with("truststore", truststore)
                .secret("truststore_password", "changeit");
    }

    @Test
    void presentsTheClientCertificateFromAKeystore() throws Exception {
        KeyPair clientKeys = TestCerts.rsa();
        X509Certificate client = TestCerts.cert("CN=mTLS Test CA", caKeys, "CN=payments-checker", clientKeys, false);
        Path keystore = TestCerts.save(TestCerts.keyStore(clientKeys, "client-pw-77", client, ca),
                dir.resolve("client.p12"), "client-pw-77");

        StepRecording r = check().with("client_keystore", keystore).secret("client_keystore_password", "client-pw-77")
                .with("expect_json", java.util.Map.of("/client", "CN=payments-checker")).apply();

        r.assertSucceeded();
        assertFalse(Files.readString(r.journal()).contains("client-pw-77"));
    }

    @Test
    void presentsTheClientCertificateFromPemFiles() throws Exception {
        KeyPair clientKeys = TestCerts.rsa();
        X509Certificate client = TestCerts.cert("CN=mTLS Test CA", caKeys, "CN=pem-client", clientKeys, false);
        Path cert = TestCerts.pem(dir.resolve("client.crt"), client, ca);
        Path key = TestCerts.pem(dir.resolve("client.key"), clientKeys.getPrivate());

        check().with("client_cert", cert).with("client_key", key)
                .with("expect_json", java.util.Map.of("/client", "CN=pem-client")).apply().assertSucceeded();
    }

    @Test
    void withoutAClientCertificateTheServerRefusesAndTheStepFails() throws Exception {
        StepRecording r = check().apply().assertFailed();
        assertTrue(r.error().startsWith("cannot GET " + url), r.error());
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() throws Exception {
        KeyPair otherCa = TestCerts.rsa();
        KeyPair clientKeys = TestCerts.rsa();
        X509Certificate client = TestCerts.cert("CN=Other CA", otherCa, "CN=intruder", clientKeys, false);
        Path cert = TestCerts.pem(dir.resolve("intruder.crt"), client);
        Path key = TestCerts.pem(dir.resolve("intruder.key"), clientKeys.getPrivate());

        check().with("client_cert", cert).with("client_key", key).apply().assertFailed();
    }

    @Test
    void aClientCertWithoutItsKeyIsAClearError() throws Exception {
        StepRecording r = check().with("client_cert", dir.resolve("x.crt")).apply().assertFailed();
        assertTrue(r.error().contains("client_cert and client_key go together"), r.error());
    }
}
