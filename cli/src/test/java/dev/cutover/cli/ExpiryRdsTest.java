package dev.cutover.cli;

import dev.cutover.plugin.StepTypeRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cutover expiry --rds-instance through the aws.rds.describe step type against a local fake RDS. */
class ExpiryRdsTest {
    private static final Map<String, String> SAVED = new HashMap<>();
    private static final Map<String, String> TEST_AWS = Map.of("aws.accessKeyId", "AKIDCUTOVERTEST",
            "aws.secretAccessKey", "cutover-test-secret-key", "aws.disableEc2Metadata", "true",
            "aws.configFile", "/nonexistent/aws-config", "aws.sharedCredentialsFile", "/nonexistent/aws-credentials");
    static FakeRdsServer rds;
    static Instant validTill = Instant.now().plus(12, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    Path dir;

    @BeforeAll
    static void fakeRds() throws IOException {
        Assumptions.assumeTrue(StepTypeRegistry.load().find(RdsCertificates.STEP_TYPE).isPresent(),
                "plugins/aws is not on the class path");
        TEST_AWS.forEach((k, v) -> {
            SAVED.put(k, System.getProperty(k));
            System.setProperty(k, v);
        });
        rds = new FakeRdsServer(validTill.toString());
    }

    @AfterAll
    static void restore() {
        if (rds != null) {
            rds.close();
        }
        SAVED.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    private CliRun expiry(String instance, String within) {
        return CliRun.of("expiry", "--rds-instance", instance, "--region", "eu-west-1", "--aws-endpoint",
                rds.endpoint(), "--within", within, "--state-dir", dir.resolve("state").toString());
    }

    @Test
    void listsTheServerCertificateOfAnInstanceExpiringWithinTheWindow() {
        CliRun r = expiry(FakeRdsServer.INSTANCE, "30d");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("       11  " + validTill + "  RDS instance payments-db (CA rds-ca-rsa2048-g1)"),
                r.out());
        assertTrue(r.out().contains("rds:payments-db (eu-west-1) server certificate"), r.out());
        assertEquals(0, expiry(FakeRdsServer.INSTANCE, "7d").exit());
    }

    @Test
    void anUnknownInstanceIsAClearErrorAndExitTwo() {
        CliRun r = expiry("no-such-db", "30d");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("cannot describe RDS instance 'no-such-db' in eu-west-1: "), r.err());
    }
}
