package dev.cutover.cli;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.spi.Certificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flagship runbook's AWS path against the stateful RDS test double (AWS cannot be reached here): the
 * real AWS SDK moves the instance to the target CA over the wire, the application then fails its health
 * check, and the run must end ROLLED_BACK with the instance back on its previous CA. Before re-validation
 * stopped re-asserting the new state, the rollback was reported ROLLBACK_FAILED because the validate step
 * "the instance is on the target CA" ran again after the CA had correctly been put back.
 */
class FlagshipAwsRollbackTest {
    private static final Path RUNBOOK = Path.of("..", "runbooks", "rds-ca-rotation.yaml").toAbsolutePath().normalize();
    @TempDir
    Path dir;
    private FakeRdsServer rds;
    private PostgresTlsStandIn db;
    private HttpServer app;

    @BeforeEach
    void start() throws Exception {
        rds = new FakeRdsServer("2026-12-30T10:00:00Z").onCa("rds-ca-rsa4096-g1");
        Path dbCert = Keytool.serverCertificate(dir, "old-db-ca");
        db = new PostgresTlsStandIn(dir.resolve("old-db-ca.keys.p12"), Keytool.PASSWORD.toCharArray());
        Keytool.trust(dir.resolve("truststore.p12"), "PKCS12", "old-db-ca", dbCert);
        // the application breaks once the database is on the target CA (its truststore is not the problem
        // here: the point is what happens after a correct rollback)
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/health", ex -> {
            boolean broken = rds.ca().equals("rds-ca-rsa2048-g1");
            byte[] body = (broken ? "{\"status\":\"DOWN\"}" : "{\"status\":\"UP\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(broken ? 500 : 200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        app.start();
        try (InputStream in = getClass().getResourceAsStream("/aws-rds-global-bundle.pem")) {
            Files.copy(in, dir.resolve("global-bundle.pem"));
        }
        Files.writeString(dir.resolve("aws.yaml"), String.join("\n",
                "platform: aws",
                "db_instance: " + FakeRdsServer.INSTANCE,
                "region: us-east-1",
                "aws_endpoint: " + rds.endpoint(),
                "target_ca: rds-ca-rsa2048-g1",
                "truststore: truststore.p12",
                "store_password: env:TRUSTSTORE_PASSWORD",
                "ca_bundle: global-bundle.pem",
                "app_health_url: http://127.0.0.1:" + app.getAddress().getPort() + "/health",
                "db_host: localhost",
                "db_port: " + db.port(),
                "current_ca_sha256: " + sha256(dbCert),
                "app_restart_command: [\"true\"]", ""));
        System.setProperty("aws.accessKeyId", "AKIDCUTOVERTEST");
        System.setProperty("aws.secretAccessKey", "not-a-real-secret");
    }

    @AfterEach
    void stop() throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        app.stop(0);
        db.close();
        rds.close();
    }

    private static String sha256(Path pem) throws Exception {
        return Certificates.fingerprint(Certificates.read(pem).get(0));
    }

    @Test
    void aFailedValidationAfterTheCaChangedRollsBackToTheInstancesPreviousCa() throws Exception {
        byte[] storeBefore = Files.readAllBytes(dir.resolve("truststore.p12"));
        CliRun r = CliRun.withEnv(Map.of("TRUSTSTORE_PASSWORD", Keytool.PASSWORD), "run", RUNBOOK.toString(),
                "--env-file", dir.resolve("aws.yaml").toString(), "--yes", "--no-color", "--state-dir",
                dir.resolve("state").toString());
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("ROLLED_BACK"), r.out());
        assertTrue(r.out().contains("re-validation: proven"), r.out());
        assertEquals("rds-ca-rsa4096-g1", rds.ca(), "the instance must be back on its previous CA");
        assertTrue(java.util.Arrays.equals(storeBefore, Files.readAllBytes(dir.resolve("truststore.p12"))),
                "the truststore must be restored byte for byte");
        List<String> moves = rds.modifications.stream().map(m -> m.get("CACertificateIdentifier") + " immediately="
                + m.get("ApplyImmediately")).toList();
        assertEquals(List.of("rds-ca-rsa2048-g1 immediately=true", "rds-ca-rsa4096-g1 immediately=true"), moves);
        List<JournalEvent> events;
        try (var s = Files.list(dir.resolve("state/runs"))) {
            events = JournalReader.read(s.findFirst().orElseThrow().resolve("journal.jsonl")).events();
        }
        assertTrue(events.stream().noneMatch(e -> "revalidate".equals(e.section())
                && "rds-on-target-ca".equals(e.step())), "the target-CA assertion must not run after the rollback");
        JournalEvent reval = events.stream().filter(e -> e.event().equals("revalidation.finished")).findFirst()
                .orElseThrow();
        assertEquals(true, reval.data().get("proven"), reval.data().toString());
    }
}
