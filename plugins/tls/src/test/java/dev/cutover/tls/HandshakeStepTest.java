package dev.cutover.tls;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeStepTest {
    private static final String PASSWORD = "Trust-Pw-99";
    private static TestPki.Issued rsaRoot;
    private static TestPki.Issued rsaIntermediate;
    private static TestPki.Issued ecRoot;
    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        rsaRoot = TestPki.root("Handshake RSA Root", TestPki.rsa());
        rsaIntermediate = TestPki.intermediate("Handshake RSA Intermediate", TestPki.rsa(), rsaRoot);
        ecRoot = TestPki.root("Handshake EC Root", TestPki.ec());
    }

    private StepTestKit kit(int port, Path truststore) {
        return StepTestKit.of(new HandshakeStep()).with("host", "localhost").with("port", port)
                .with("truststore", truststore).secret("truststore_password", PASSWORD).with("timeout", "5s");
    }

    private Path trustStore(String type, TestPki.Issued... cas) throws Exception {
        Map<String, java.security.cert.X509Certificate> m = new java.util.LinkedHashMap<>();
        for (TestPki.Issued ca : cas) {
            m.put(Aliases.fromCn(ca.cert()), ca.cert());
        }
        return TestStores.trusted(dir.resolve("trust-" + m.size() + "." + type.toLowerCase()), type, PASSWORD, m);
    }

    @Test
    @SuppressWarnings("unchecked")
    void succeedsThroughAnIntermediateAndReportsChainCipherAndTrustAnchor() throws Exception {
        TestPki.Issued server = TestPki.server("localhost", TestPki.rsa(), rsaIntermediate, List.of("localhost", "127.0.0.1"));
        try (TestTlsServer s = TestTlsServer.start(server)) {
            StepRecording r = kit(s.port(), trustStore("PKCS12", ecRoot, rsaRoot)).apply().assertSucceeded();

            assertTrue(r.output("tls_protocol").toString().startsWith("TLSv1."), r.outputs().toString());
            assertFalse(r.output("cipher_suite").toString().isEmpty());
            List<Map<String, Object>> chain = (List<Map<String, Object>>) r.output("server_chain");
            assertEquals(3, chain.size(), "leaf, intermediate and root as the server sends them");
            assertTrue(chain.get(0).get("subject").toString().contains("CN=localhost"));
            assertEquals(CertFacts.sha256(server.cert()), chain.get(0).get("sha256"));
            Map<String, Object> anchor = (Map<String, Object>) r.output("trust_anchor");
            assertEquals("handshake rsa root", anchor.get("alias"));
            assertEquals(CertFacts.sha256(rsaRoot.cert()), anchor.get("sha256"));
        }
    }

    @Test
    void succeedsWithAnEcServerAndAPemBundleAsTruststore() throws Exception {
        TestPki.Issued server = TestPki.server("localhost", TestPki.ec(), ecRoot, List.of("localhost"));
        Path pem = TestPki.writePem(dir.resolve("cas.pem"), rsaRoot.cert(), ecRoot.cert());
        try (TestTlsServer s = TestTlsServer.start(server)) {
            StepRecording r = StepTestKit.of(new HandshakeStep()).with("host", "localhost").with("port", s.port())
                    .with("truststore", pem).apply().assertSucceeded();
            assertTrue(r.output("trust_anchor").toString().contains("handshake ec root"), r.outputs().toString());
        }
    }

    @Test
    void aMissingCaNamesTheIssuerAndTheStoreWithItsEntryCount() throws Exception {
        TestPki.Issued server = TestPki.server("localhost", TestPki.rsa(), rsaIntermediate, List.of("localhost"));
        Path trust = trustStore("JKS", ecRoot);
        try (TestTlsServer s = TestTlsServer.start(server)) {
            StepRecording r = kit(s.port(), trust).apply().assertFailed();

            assertTrue(r.error().contains("issued by 'CN=Handshake RSA Root,O=cutover tests,C=GB'"), r.error());
            assertTrue(r.error().contains("no certificate with that subject in JKS store " + trust + " (1 entries)"), r.error());
            assertFalse(r.error().contains("PKIX"), r.error());
        }
    }

    @Test
    void aWrongHostnameListsTheNamesTheCertificateCarries() throws Exception {
        TestPki.Issued server = TestPki.server("db.example.internal", TestPki.rsa(), rsaRoot,
                List.of("db.example.internal", "db-replica.example.internal"));
        try (TestTlsServer s = TestTlsServer.start(server)) {
            StepRecording r = kit(s.port(), trustStore("PKCS12", rsaRoot)).apply().assertFailed();
            assertTrue(r.error().startsWith("hostname mismatch: connected to 'localhost'"), r.error());
            assertTrue(r.error().contains("[db.example.internal, db-replica.example.internal]"), r.error());

            StepRecording unchecked = kit(s.port(), trustStore("PKCS12", rsaRoot)).with("verify_hostname", false).apply();
            unchecked.assertSucceeded();
            StepRecording renamed = kit(s.port(), trustStore("PKCS12", rsaRoot)).with("host", "127.0.0.1")
                    .with("server_name", "db.example.internal").apply();
            renamed.assertSucceeded();
        }
    }

    @Test
    void anExpiredServerCertificateSaysWhenItExpired() throws Exception {
        Instant expiredAt = Instant.now().minus(Duration.ofDays(3));
        TestPki.Issued server = TestPki.server("localhost", TestPki.ec(), ecRoot, List.of("localhost"),
                expiredAt.minus(Duration.ofDays(90)), expiredAt);
        try (TestTlsServer s = TestTlsServer.start(server)) {
            StepRecording r = kit(s.port(), trustStore("PKCS12", ecRoot)).apply().assertFailed();
            assertTrue(r.error().contains("expired on " + CertFacts.instant(expiredAt)), r.error());
            assertTrue(r.error().contains("CN=localhost"), r.error());
        }
    }

    @Test
    void aPortWithoutTlsOrWithoutAServerIsExplained() throws Exception {
        Path trust = trustStore("PKCS12", rsaRoot);
        try (TestTlsServer plain = TestTlsServer.plain()) {
            StepRecording r = kit(plain.port(), trust).apply().assertFailed();
            assertTrue(r.error().contains("did not answer with TLS") || r.error().contains("closed the connection"),
                    r.error());
            StepRecording pg = kit(plain.port(), trust).with("protocol", "postgres").apply().assertFailed();
            assertTrue(pg.error().contains("is this really PostgreSQL?"), pg.error());
        }
        int free;
        try (ServerSocket ss = new ServerSocket(0)) {
            free = ss.getLocalPort();
        }
        StepRecording refused = kit(free, trust).apply().assertFailed();
        assertTrue(refused.error().contains("cannot connect to localhost:" + free), refused.error());
    }
}
