package dev.cutover.demo;

import dev.cutover.postgres.ServerCertStep;
import dev.cutover.process.InfoStep;
import dev.cutover.process.RestartStep;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoEnvironmentTest {
    @TempDir
    static Path tmp;
    static DemoEnvironment env;

    @BeforeAll
    static void startEnvironment() throws Exception {
        env = DemoEnvironment.start(tmp.resolve("demo"));
    }

    @AfterAll
    static void stopEnvironment() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void startsPostgresWithTlsAndAHealthyServiceThatTrustsOnlyTheOldCa() throws Exception {
        env.reset();
        AppHealth health = env.appHealth();

        assertTrue(health.up(), health.body());
        assertEquals(DemoEnvironment.OLD_CA_SUBJECT, health.serverCertIssuer().orElseThrow());
        assertEquals(env.truststore().toString(), health.truststore().orElseThrow());
        assertTrue(connects(env.oldCaBundle(), "verify-full"));
        assertFalse(connects(env.newCaBundle(), "verify-full"), "the server's certificate is not from the new CA yet");
        assertFalse(connects(env.oldCaBundle(), "disable"), "plain connections are refused: TLS only");
    }

    @Test
    void keepsSecretsOutOfParameterFilesLogsAndArgv() throws Exception {
        String local = Files.readString(env.localEnvironmentFile());
        assertTrue(local.contains("db_port: " + env.dbPort()), local);
        assertTrue(local.contains("truststore: " + env.truststore()), local);
        for (String secret : env.secretEnv().values()) {
            for (Path f : new Path[] {env.localEnvironmentFile(), env.wrongBundleEnvironmentFile(), env.appLauncher(),
                    env.appLogFile(), env.dbLogFile()}) {
                assertFalse(Files.readString(f).contains(secret), f + " must not contain a secret");
            }
            ProcessHandle app = ProcessHandle.of(Long.parseLong(Files.readString(env.appPidFile()).trim())).orElseThrow();
            assertFalse(String.join(" ", app.info().arguments().orElseThrow()).contains(secret));
            assertTrue(Files.readString(env.secretsEnvFile()).contains(secret));
        }
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(env.secretsEnvFile()));
        assertFalse(env.toString().contains(env.dbAdminPassword()));
    }

    @Test
    void rotatingTheDatabaseCertificateBreaksTheServiceUntilItTrustsTheNewCaAndRestarts() throws Exception {
        env.reset();
        StateFingerprint before = env.stateFingerprint();
        StepTestKit rotate = StepTestKit.of(new ServerCertStep()).with("jdbc_url", env.dbAdminJdbcUrl())
                .with("user", env.dbAdminUser()).secret("password", env.dbAdminPassword())
                .with("cert_file", env.dbCertFile()).with("key_file", env.dbKeyFile())
                .with("new_cert_file", env.newServerCertFile()).with("new_key_file", env.newServerKeyFile());

        StepRecording rotated = rotate.apply().assertSucceeded();

        assertEquals(DemoEnvironment.NEW_CA_SUBJECT, rotated.output("new_issuer"));
        AppHealth broken = env.appHealth();
        assertEquals(503, broken.status(), broken.body());
        assertTrue(broken.error().orElseThrow().contains("PKIX path building failed"), broken.body());

        addToTruststore(env.newCaBundle());
        assertEquals(503, env.appHealth().status(), "the JVM loaded its truststore at start-up; no restart, no change");

        long oldPid = Long.parseLong(Files.readString(env.appPidFile()).trim());
        StepRecording restarted = StepTestKit.of(new RestartStep()).with("name", env.appName())
                .with("command", env.appCommand()).with("pid_file", env.appPidFile())
                .with("ready_port_file", env.appPortFile()).with("ready_timeout", "60s").apply().assertSucceeded();

        assertNotEquals(oldPid, ((Number) restarted.output("pid")).longValue());
        AppHealth healed = env.appHealth();
        assertTrue(healed.up(), healed.body());
        assertEquals(DemoEnvironment.NEW_CA_SUBJECT, healed.serverCertIssuer().orElseThrow());
        StateFingerprint after = env.stateFingerprint();
        assertNotEquals(before.dbServerCertSha256(), after.dbServerCertSha256());
        assertNotEquals(before.truststoreSha256(), after.truststoreSha256());

        rotate.undo(rotated).assertSucceeded();
        assertEquals(before.dbServerCertSha256(), env.stateFingerprint().dbServerCertSha256());
        assertEquals(DemoEnvironment.OLD_CA_SUBJECT, env.appHealth().serverCertIssuer().orElseThrow());

        env.reset();
        assertEquals(before.dbServerCertSha256(), env.stateFingerprint().dbServerCertSha256());
        assertFalse(connects(env.newCaBundle(), "verify-full"));
    }

    @Test
    void theIncidentMakesTheServiceUseAStoreTheEnvironmentFileDoesNotName() throws Exception {
        env.reset();
        env.simulateIncident();

        assertTrue(env.appHealth().up());
        assertEquals(env.incidentTruststore(), env.appTruststore());
        StepRecording drift = StepTestKit.of(new InfoStep()).with("name", env.appName()).with("pid_file", env.appPidFile())
                .with("expect_truststore", env.params().get("truststore")).apply().assertFailed();
        assertTrue(drift.error().contains("uses truststore " + env.incidentTruststore()), drift.error());

        env.reset();
        StepRecording fine = StepTestKit.of(new InfoStep()).with("name", env.appName()).with("pid_file", env.appPidFile())
                .with("expect_truststore", env.params().get("truststore")).apply().assertSucceeded();
        assertEquals(env.truststore().toString(), fine.output("java_truststore"));
    }

    @Test
    void theWrongBundleIsNamedLikeTheTargetButDoesNotSignTheNewServerCertificate() throws Exception {
        X509Certificate wrong = read(env.wrongCaBundle());
        X509Certificate target = read(env.newCaBundle());
        X509Certificate newServer = read(env.newServerCertFile());

        assertTrue(wrong.getSubjectX500Principal().getName().contains("RSA2048 G1"));
        newServer.verify(target.getPublicKey());
        assertThrows(java.security.SignatureException.class, () -> newServer.verify(wrong.getPublicKey()));
        assertTrue(Files.readString(env.wrongBundleEnvironmentFile()).contains("ca_bundle: " + env.wrongCaBundle()));
    }

    @Test
    void refusesAWorkDirectoryThatIsNotEmpty() throws Exception {
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("keep.txt"), "mine");

        DemoException e = assertThrows(DemoException.class, () -> DemoEnvironment.start(used));

        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
        assertTrue(Files.exists(used.resolve("keep.txt")));
    }

    @Test
    void closeStopsTheServiceAndPostgresAndDeletesTheDirectory() throws Exception {
        Path dir = tmp.resolve("short-lived");
        DemoEnvironment other = DemoEnvironment.start(dir);
        ProcessHandle app = ProcessHandle.of(Long.parseLong(Files.readString(other.appPidFile()).trim())).orElseThrow();
        Path postmasterPid = other.workDir().resolve("pg/data/postmaster.pid");
        ProcessHandle pg = ProcessHandle.of(Long.parseLong(Files.readAllLines(postmasterPid).get(0).trim())).orElseThrow();

        other.close();

        assertFalse(app.isAlive());
        assertFalse(pg.isAlive());
        assertFalse(Files.exists(dir));
        other.close();
    }

    private static boolean connects(Path rootCert, String sslmode) {
        Properties p = new Properties();
        p.setProperty("user", env.dbAdminUser());
        p.setProperty("password", env.dbAdminPassword());
        String url = "jdbc:postgresql://localhost:" + env.dbPort() + "/postgres?sslmode=" + sslmode + "&sslrootcert=" + rootCert;
        try (Connection c = DriverManager.getConnection(url, p)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void addToTruststore(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] pw = env.truststorePassword().toCharArray();
        try (InputStream in = Files.newInputStream(env.truststore())) {
            ks.load(in, pw);
        }
        ks.setCertificateEntry("demo-rds-root-ca-rsa2048-g1", read(pem));
        try (OutputStream out = Files.newOutputStream(env.truststore())) {
            ks.store(out, pw);
        }
    }
}
