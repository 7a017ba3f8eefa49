package dev.cutover.tls;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tls.handshake with protocol: postgres against a real PostgreSQL (zonky embedded) running with ssl = on. */
class PostgresHandshakeTest {
    private static final String PASSWORD = "Pg-Trust-Pw-5";
    @TempDir
    static Path dir;
    private static EmbeddedPostgres pg;
    private static TestPki.Issued ca;

    @BeforeAll
    static void startPostgresWithTls() throws Exception {
        ca = TestPki.root("Cutover Test PG CA", TestPki.rsa());
        TestPki.Issued server = TestPki.server("localhost", TestPki.rsa(), ca, List.of("localhost", "127.0.0.1"));
        Path cert = TestPki.writePem(dir.resolve("server.crt"), server.cert(), ca.cert());
        Path key = TestPki.writePem(dir.resolve("server.key"), server.key());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        pg = EmbeddedPostgres.builder()
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", cert.toString())
                .setServerConfig("ssl_key_file", key.toString())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private StepTestKit kit(Path truststore) {
        return StepTestKit.of(new HandshakeStep()).with("host", "localhost").with("port", pg.getPort())
                .with("protocol", "postgres").with("truststore", truststore).with("timeout", "10s");
    }

    @Test
    void theServerReallySpeaksTlsToPgjdbcWithVerifyFull() throws Exception {
        Path root = TestPki.writePem(dir.resolve("root.crt"), ca.cert());
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", root.toString());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", p);
             ResultSet rs = c.createStatement().executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            assertTrue(rs.next());
            assertTrue(rs.getBoolean(1));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void handshakeSucceedsWithATruststoreHoldingTheServersCa() throws Exception {
        Path trust = TestStores.trusted(dir.resolve("right.p12"), "PKCS12", PASSWORD,
                Map.of("cutover test pg ca", ca.cert()));

        StepRecording r = kit(trust).secret("truststore_password", PASSWORD).apply().assertSucceeded();

        assertEquals("postgres", r.output("protocol"));
        assertTrue(r.output("tls_protocol").toString().startsWith("TLSv1."), r.outputs().toString());
        List<Map<String, Object>> chain = (List<Map<String, Object>>) r.output("server_chain");
        assertTrue(chain.get(0).get("subject").toString().startsWith("CN=localhost"), chain.toString());
        assertEquals("cutover test pg ca", ((Map<String, Object>) r.output("trust_anchor")).get("alias"));
    }

    @Test
    void handshakeWithTheRdsBundleAsTruststoreNamesTheMissingCa() throws Exception {
        Path rds = TestPki.rdsBundle().toAbsolutePath();

        StepRecording r = kit(rds).apply().assertFailed();

        assertTrue(r.error().contains("issued by 'CN=Cutover Test PG CA,O=cutover tests,C=GB' — no certificate with "
                + "that subject in PEM store " + rds + " (115 entries)"), r.error());
    }

    @Test
    void plainTlsAgainstPostgresSaysToUseTheSslRequest() throws Exception {
        Path trust = TestPki.writePem(dir.resolve("ca.pem"), ca.cert());
        StepRecording r = StepTestKit.of(new HandshakeStep()).with("host", "localhost").with("port", pg.getPort())
                .with("truststore", trust).with("timeout", "10s").apply().assertFailed();
        assertTrue(r.error().contains("use protocol: postgres"), r.error());
    }
}
