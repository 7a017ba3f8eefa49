package dev.cutover.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drift over real stores read by tls.store-inspect and tls.store-contains: staging PKCS12, "production" JKS. */
class DriftTruststoreTest {
    static final String G1 = "Amazon RDS eu-west-1 Root CA RSA2048 G1";
    static final String OLD = "Amazon RDS Root 2019 CA";

    static final String RUNBOOK = """
            apiVersion: cutover/v1
            name: rds-ca-rotation
            params:
              truststore:     { type: path, required: true }
              store_password: { type: secret, from: env:TRUSTSTORE_PASSWORD }
            preflight:
              - id: truststore-trusts-target-ca
                uses: tls.store-contains
                with:
                  store: ${params.truststore}
                  password: ${params.store_password}
                  subject_contains: ["RSA2048 G1"]
              - id: truststore-today
                uses: tls.store-inspect
                with: { store: "${params.truststore}", password: "${params.store_password}" }
            steps:
              - id: import-ca
                uses: tls.store-import
                with: { store: "${params.truststore}", password: "${params.store_password}", bundle: new-ca.pem }
            """;

    @TempDir
    static Path dir;
    static Path runbook;

    @BeforeAll
    static void environments() throws IOException {
        Path g1 = Keytool.certificate(dir, G1, 0, 3650);
        Path old = Keytool.certificate(dir, OLD, -2000, 2100);
        Files.copy(g1, dir.resolve("new-ca.pem"));
        Keytool.trust(dir.resolve("staging.p12"), "PKCS12", "old", old);
        Keytool.trust(dir.resolve("staging.p12"), "PKCS12", "g1", g1);
        Keytool.trust(dir.resolve("prod.jks"), "JKS", "old", old);
        Keytool.trust(dir.resolve("twin.p12"), "PKCS12", "old", old);
        Keytool.trust(dir.resolve("twin.p12"), "PKCS12", "g1", g1);
        Files.createDirectories(dir.resolve("environments"));
        Files.writeString(dir.resolve("environments/staging.yaml"), "truststore: ../staging.p12\n");
        Files.writeString(dir.resolve("environments/production.yaml"), "truststore: ../prod.jks\n");
        Files.writeString(dir.resolve("environments/staging-twin.yaml"), "truststore: ../twin.p12\n");
        Files.writeString(dir.resolve("environments/gone.yaml"), "truststore: ../gone.p12\n");
        runbook = Files.writeString(dir.resolve("rds-ca-rotation.yaml"), RUNBOOK);
    }

    private static CliRun drift(String... envs) {
        List<String> args = new java.util.ArrayList<>(List.of("drift", runbook.toString(), "--state-dir",
                dir.resolve("state").toString()));
        for (String e : envs) {
            args.addAll(List.of("--env", e));
        }
        return CliRun.withEnv(Map.of("TRUSTSTORE_PASSWORD", Keytool.PASSWORD), args.toArray(String[]::new));
    }

    @Test
    void catchesTheProductionTruststoreThatLacksTheNewCaAndIsAnotherType() throws IOException {
        byte[] before = Files.readAllBytes(dir.resolve("prod.jks"));
        CliRun r = drift("staging", "production");
        assertEquals(1, r.exit(), r.all());
        List<String> sentences = Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("  - ")).toList();
        assertEquals(3, sentences.size(), r.out());
        assertTrue(sentences.get(0).startsWith("  - step 'truststore-trusts-target-ca': staging ok, production "
                + "failed (JKS store " + dir.resolve("prod.jks") + " (1 entries) is missing 1 of 1 expected "
                + "certificate(s): a subject containing 'RSA2048 G1'; import them (tls.store-import) before going on)"),
                sentences.get(0));
        assertEquals("  - truststore-today.type differs: staging PKCS12, production JKS", sentences.get(1));
        assertEquals("  - production truststore lacks '" + G1 + "' that staging has (truststore-today)",
                sentences.get(2));
        assertFalse(r.all().contains(Keytool.PASSWORD));
        assertTrue(Arrays.equals(before, Files.readAllBytes(dir.resolve("prod.jks"))), "drift changed the store");
    }

    @Test
    void identicalStoresMatch() {
        CliRun r = drift("staging", "staging-twin");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("No differences."), r.out());
    }

    @Test
    void aMissingStoreIsReportedAsFactsNotGatheredNamingEnvironmentAndStep() {
        CliRun r = drift("staging", "gone");
        assertEquals(3, r.exit(), r.all());
        assertTrue(r.out().contains("could not gather facts in gone: step 'truststore-today' failed: "), r.out());
        assertTrue(r.out().contains(dir.resolve("gone.p12").toString()), r.out());
    }
}
