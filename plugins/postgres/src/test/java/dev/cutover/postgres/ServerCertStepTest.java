package dev.cutover.postgres;

import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerCertStepTest {
    private static final String PASSWORD = "s3cret-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path dir;
    static TestPki.Issued oldCa;
    static TestPki.Issued newCa;
    static Path oldCaPem;
    static Path newCaPem;
    static Path bothPem;
    static Path certFile;
    static Path keyFile;
    static Path newCert;
    static Path newKey;
    static TlsPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        oldCa = TestPki.ca("CN=Test Root CA 2019");
        newCa = TestPki.ca("CN=Test Root CA G1");
        oldCaPem = TestPki.writeCert(dir.resolve("old.pem"), oldCa.cert());
        newCaPem = TestPki.writeCert(dir.resolve("new.pem"), newCa.cert());
        bothPem = TestPki.writeCert(dir.resolve("both.pem"), oldCa.cert(), newCa.cert());
        Files.createDirectories(dir.resolve("conf"));
        TestPki.Issued server = TestPki.server(oldCa, "CN=localhost");
        // server.crt is a symbolic link, as packaged PostgreSQL often has it: it must stay one
        Path real = TestPki.writeCert(Files.createDirectories(dir.resolve("conf/certs")).resolve("server-2019.crt"),
                server.cert());
        certFile = Files.createSymbolicLink(dir.resolve("conf/server.crt"), Path.of("certs/server-2019.crt"));
        keyFile = TestPki.writeKey(dir.resolve("conf/server.key"), server.keys());
        TestPki.Issued next = TestPki.server(newCa, "CN=localhost");
        newCert = TestPki.writeCert(dir.resolve("new-server.crt"), next.cert());
        newKey = TestPki.writeKey(dir.resolve("new-server.key"), next.keys());
        pg = new TlsPostgres(dir.resolve("data"), certFile, keyFile, PASSWORD);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static StepTestKit kit(Path newCertFile, Path newKeyFile) {
        return StepTestKit.of(new ServerCertStep())
                .with("jdbc_url", pg.url(bothPem)).with("user", "postgres").secret("password", PASSWORD)
                .with("cert_file", certFile).with("key_file", keyFile)
                .with("new_cert_file", newCertFile).with("new_key_file", newKeyFile);
    }

    @Test
    void swapsTheCertificateSoNewConnectionsNeedTheNewCaAndUndoRestoresTheOldOne() throws Exception {
        String before = CertFiles.fileSha256(certFile, "cert");
        assertTrue(connects(oldCaPem));
        StepTestKit kit = kit(newCert, newKey);

        StepRecording applied = kit.apply().assertSucceeded();
        dev.cutover.testkit.DeclaredOutputs.assertMatch(new ServerCertStep(), applied);

        assertEquals(List.of("step.started", "step.intent", "step.succeeded"), applied.eventNames());
        assertEquals("CN=Test Root CA G1", applied.output("new_issuer"));
        assertEquals("CN=Test Root CA 2019", applied.output("previous_issuer"));
        assertEquals(CertFiles.fingerprint(ServerTlsPeek.presented("localhost", pg.port(), 5000)), applied.output("new_sha256"));
        assertEquals(keytoolSha256(newCert), applied.output("new_sha256"), "fingerprints print as keytool prints them");
        assertEquals(keytoolSha256(dir.resolve("conf/certs/server-2019.crt")).length(),
                applied.output("previous_sha256").toString().length());
        assertTrue(Files.isSymbolicLink(certFile), "the symlinked server.crt must stay a link");
        assertEquals(Files.readString(newCert), Files.readString(dir.resolve("conf/certs/server-2019.crt")));
        assertFalse(connects(oldCaPem), "a new connection trusting only the old CA must fail");
        assertTrue(connects(newCaPem));
        assertEquals(ProbeResult.DONE, kit.probe(applied));
        assertTrue(Files.exists(Path.of(applied.intent().string("backup_key"))));

        StepRecording undone = kit.undo(applied).assertSucceeded();

        assertEquals(List.of("undo.started", "undo.succeeded"), undone.eventNames());
        assertEquals(before, CertFiles.fileSha256(certFile, "cert"));
        assertTrue(Files.isSymbolicLink(certFile), "undo restores through the link too");
        assertTrue(connects(oldCaPem));
        assertEquals(ProbeResult.NOT_DONE, kit.probe(applied));
        String journal = Files.readString(applied.journal());
        assertFalse(journal.contains(PASSWORD), "the password must never reach the journal");
        assertFalse(journal.contains("PRIVATE KEY"));
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheNewCertificateBeforeChangingAnything() throws Exception {
        String before = CertFiles.fileSha256(certFile, "cert");

        StepRecording r = kit(newCert, keyFile).apply().assertFailed();

        assertTrue(r.error().contains("does not belong to certificate"), r.error());
        assertFalse(r.eventNames().contains("step.intent"));
        assertEquals(before, CertFiles.fileSha256(certFile, "cert"));
        assertTrue(connects(oldCaPem));
    }

    @Test
    void refusesToReplaceAFileTheServerDoesNotUse() throws Exception {
        Path decoy = Files.copy(certFile, dir.resolve("decoy.crt"));
        Path decoyKey = Files.copy(keyFile, dir.resolve("decoy.key"));

        StepRecording r = kit(newCert, newKey).with("cert_file", decoy).with("key_file", decoyKey).apply().assertFailed();

        assertTrue(r.error().contains("ssl_cert_file is " + certFile), r.error());
        assertEquals(Files.readString(certFile), Files.readString(decoy));
        assertTrue(connects(oldCaPem));
    }

    @Test
    void reportsAWrongPasswordWithoutRevealingIt() throws Exception {
        StepRecording r = kit(newCert, newKey).secret("password", "wrong-pass-123").apply().assertFailed();

        assertTrue(r.error().contains("password authentication failed"), r.error());
        assertFalse(r.error().contains("wrong-pass-123"));
        assertTrue(connects(oldCaPem));
    }

    @Test
    void plansTheIssuerChangeWithoutTouchingTheFiles() throws Exception {
        String before = CertFiles.fileSha256(certFile, "cert");

        Plan plan = kit(newCert, newKey).plan();

        assertTrue(plan.changes().get(0).contains("CN=Test Root CA 2019 -> CN=Test Root CA G1"), plan.changes().toString());
        assertEquals(before, CertFiles.fileSha256(certFile, "cert"));
    }

    /** The SHA-256 line of {@code keytool -printcert}, what an operator compares with. */
    private static String keytoolSha256(Path cert) throws Exception {
        Process p = new ProcessBuilder("keytool", "-printcert", "-file", cert.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().map(String::trim).filter(l -> l.startsWith("SHA256:")).findFirst().orElseThrow()
                .substring("SHA256:".length()).trim();
    }

    private static boolean connects(Path rootCert) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", PASSWORD);
        try (Connection c = DriverManager.getConnection(pg.url(rootCert), p)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Test
    void rejectsAMalformedJdbcUrl() {
        assertThrows(dev.cutover.spi.StepFailedException.class, () -> PgConnections.target("postgres://nope"));
    }
}
