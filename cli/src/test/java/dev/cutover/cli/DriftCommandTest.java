package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriftCommandTest {
    static final String G1 = "L=Seattle,CN=Amazon RDS eu-west-1 Root CA RSA2048 G1,ST=WA,OU=Amazon RDS,"
            + "O=Amazon Web Services\\\\, Inc.,C=US";
    static final String ROOT_2019 = "CN=Amazon RDS Root 2019 CA,OU=Amazon RDS,O=Amazon Web Services\\\\, Inc.,"
            + "ST=Washington,L=Seattle,C=US";
    static final String SECRET = "s3cret-Truststore-pw";

    /** Reads each environment's "host": its truststore (shaped like tls.store-inspect's outputs) and app version. */
    static final String RUNBOOK = """
            apiVersion: cutover/v1
            name: rds-ca-rotation-demo
            params:
              host_dir:       { type: path, required: true }
              store_password: { type: secret, from: env:TRUSTSTORE_PASSWORD }
            preflight:
              - id: truststore
                uses: shell.exec
                with: { command: [cat, truststore.json], cwd: "${params.host_dir}", parse: json, readonly: true }
              - id: has-g1
                uses: shell.exec
                with: { command: [grep, -q, "RSA2048 G1", truststore.json], cwd: "${params.host_dir}", readonly: true }
              - id: password-used
                uses: shell.exec
                with:
                  command: [sh, -c, 'echo "password=$P"']
                  env: { P: "${params.store_password}" }
                  cwd: "${params.host_dir}"
                  readonly: true
            steps:
              - id: change-something
                uses: shell.exec
                with: { command: [touch, "${params.host_dir}/CHANGED"] }
                no_undo: "test"
            validate:
              - id: app-version
                uses: shell.exec
                fact: true
                with: { command: [cat, version.txt], cwd: "${params.host_dir}", readonly: true }
            """;

    @TempDir
    Path dir;
    Path runbook;

    @BeforeEach
    void setUp() throws IOException {
        runbook = Files.writeString(dir.resolve("rotation.yaml"), RUNBOOK);
        Files.createDirectories(dir.resolve("environments"));
        host("staging", "PKCS12", true);
        host("prod", "PKCS12", true);
        env("staging", "../hosts/staging");
        env("prod", "../hosts/prod");
        env("unreachable", "../hosts/not-mounted");
    }

    private void env(String name, String hostDir) throws IOException {
        Files.writeString(dir.resolve("environments/" + name + ".yaml"), "host_dir: " + hostDir + "\n");
    }

    /** A host directory: truststore.json with the 2019 root, the G1 root if asked, and an app certificate. */
    private void host(String name, String type, boolean withG1) throws IOException {
        Path h = Files.createDirectories(dir.resolve("hosts/" + name));
        List<String> entries = new ArrayList<>();
        if (withG1) {
            entries.add(entry("amazon rds eu-west-1 root ca rsa2048 g1", G1,
                    "6F:7E:01:B6:2A:F2:40:58:41:71:30:B2:1E:5F:B9:AD:9F:29:B2:9C:77:5C:51:07:B6:57:41:90:10:97:58:86"));
        }
        entries.add(entry("amazon rds root 2019 ca", ROOT_2019,
                "F2:54:C7:D5:E9:23:B5:B7:51:0C:D7:9E:F7:77:7C:1C:A7:E6:4A:3C:97:22:E4:0D:64:54:78:FC:70:AA:D0:08"));
        Files.writeString(h.resolve("truststore.json"), "{\"store\": \"/opt/" + name + "/truststore\", \"type\": \""
                + type + "\", \"count\": " + entries.size() + ", \"entries\": [" + String.join(",", entries) + "]}");
        Files.writeString(h.resolve("version.txt"), "payments 4.2.0\n");
    }

    private static String entry(String alias, String subject, String sha) {
        return "{\"alias\": \"" + alias + "\", \"kind\": \"trusted_cert\", \"subject\": \"" + subject
                + "\", \"sha256\": \"" + sha + "\", \"not_after\": \"2061-05-22T00:00:00Z\"}";
    }

    private CliRun drift(String... extra) {
        List<String> args = new ArrayList<>(List.of("drift", runbook.toString(), "--no-color", "--state-dir",
                dir.resolve("state").toString()));
        args.addAll(List.of(extra));
        return CliRun.withEnv(Map.of("TRUSTSTORE_PASSWORD", SECRET), args.toArray(String[]::new));
    }

    @Test
    void environmentsDifferingInOneTruststoreEntryAndTheStoreTypeNameExactlyThose() throws IOException {
        host("prod", "JKS", false);
        CliRun r = drift("--env", "staging", "--env", "prod");

        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("3 differences:\n"), r.out());
        assertTrue(r.out().contains("  - truststore.json.type differs: staging PKCS12, prod JKS\n"), r.out());
        assertTrue(r.out().contains("  - prod truststore lacks 'Amazon RDS eu-west-1 Root CA RSA2048 G1' that staging "
                + "has (truststore)\n"), r.out());
        assertTrue(r.out().contains("  - step 'has-g1': staging ok, prod failed ('grep -q RSA2048 G1 truststore.json' "
                + "exited with 1 (expected 0))\n"), r.out());
        assertFalse(r.out().contains("has-g1.exit_code"), "repeats the failed check: " + r.out());
        assertTrue(r.out().matches("(?s).*\\ntruststore.json.entries\\[Amazon RDS eu-west-1 Root CA RSA2048 G1]\\s+"
                + "sha256 6F:7E:01:B6:2A:F2:40\\.\\.\\.\\s+\\(absent\\)\\n.*"), r.out());
        assertTrue(r.out().contains("DRIFT (exit 1)"), r.out());
        assertFalse(Files.exists(dir.resolve("hosts/prod/CHANGED")), "drift must never run a mutating step");
    }

    @Test
    void identicalEnvironmentsExitZeroAndRunTheFactStepsOutsidePreflight() {
        CliRun r = drift("--env", "staging", "--env", "prod");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("No differences."), r.out());
        assertTrue(r.out().contains("gathered 4 fact step(s) in staging"), r.out());
        assertFalse(Files.exists(dir.resolve("hosts/staging/CHANGED")));
    }

    @Test
    void anUnreachableEnvironmentIsAClearErrorNamingTheEnvironmentAndStep() {
        CliRun r = drift("--env", "staging", "--env", "unreachable");
        assertEquals(3, r.exit(), r.all());
        assertTrue(r.out().contains("could not gather facts in unreachable: step 'truststore' failed: working "
                + "directory " + dir.resolve("hosts/not-mounted") + " does not exist"), r.out());
        assertTrue(r.out().contains("INCOMPLETE (exit 3)"), r.out());
    }

    @Test
    void aMissingEnvironmentFileIsInvalidInputNamingIt() {
        CliRun r = drift("--env", "staging", "--env", "qa");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("environment 'qa'") && r.err().contains("qa.yaml"), r.err());
    }

    @Test
    void environmentFilesAreLabelledByTheirFileName() throws IOException {
        host("prod", "JKS", true);
        CliRun r = drift("--env", "staging", "--env-file", dir.resolve("environments/prod.yaml").toString());
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("  - truststore.json.type differs: staging PKCS12, prod JKS\n"), r.out());
    }

    @Test
    void needsTwoEnvironmentsOrABaseline() {
        CliRun r = drift("--env", "staging");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("give at least two environments"), r.err());
    }

    @Test
    void ignoredKeysDoNotCount() throws IOException {
        host("prod", "JKS", true);
        assertEquals(1, drift("--env", "staging", "--env", "prod").exit());
        CliRun r = drift("--env", "staging", "--env", "prod", "--ignore", "truststore.json.type");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("ignoring *_ms, *.days_left, *.store, *.file, *.pid, *.started, "
                + "truststore.json.type"),
                r.out());
    }

    @Test
    void baselineRoundTripCatchesLaterDriftInProduction() throws IOException {
        Path baseline = dir.resolve("baselines/prod.yaml");
        CliRun saved = drift("--env", "prod", "--baseline", baseline.toString(), "--save");
        assertEquals(0, saved.exit(), saved.all());
        assertTrue(Files.readString(baseline).contains("kind: drift-baseline"));
        assertFalse(Files.readString(baseline).contains(SECRET), "a baseline never holds a secret");

        CliRun same = drift("--env", "prod", "--baseline", baseline.toString());
        assertEquals(0, same.exit(), same.all());

        host("prod", "PKCS12", false);
        CliRun drifted = drift("--env", "prod", "--baseline", baseline.toString());
        assertEquals(1, drifted.exit(), drifted.all());
        assertTrue(drifted.out().contains("prod truststore lacks 'Amazon RDS eu-west-1 Root CA RSA2048 G1' that "
                + "baseline has (truststore)"), drifted.out());
    }

    @Test
    void baselineIsNotSavedWhenFactsAreMissing() {
        Path baseline = dir.resolve("unreachable.yaml");
        CliRun r = drift("--env", "unreachable", "--baseline", baseline.toString(), "--save");
        assertEquals(3, r.exit(), r.all());
        assertFalse(Files.exists(baseline));
        assertTrue(r.err().contains("step 'truststore' failed"), r.err());
    }

    @Test
    void jsonOutputListsEachDifferenceWithItsValuesAndNeverTheSecret() throws IOException {
        host("prod", "JKS", false);
        CliRun r = drift("--env", "staging", "--env", "prod", "--output", "json");
        assertEquals(1, r.exit(), r.all());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("DRIFT", j.get("status").asText());
        assertEquals(1, j.get("exit_code").asInt());
        JsonNode d = j.get("differences").get(1);
        assertEquals("truststore.json.entries[Amazon RDS eu-west-1 Root CA RSA2048 G1]", d.get("key").asText());
        assertTrue(d.get("values").get("prod").isNull());
        assertTrue(d.get("values").get("staging").asText().startsWith("sha256 6F:7E:01"));
        assertFalse(r.all().contains(SECRET), r.all());
    }

    @Test
    void secretsAreMaskedInEveryFactAndEveryJournal() throws IOException {
        Files.writeString(dir.resolve("hosts/prod/version.txt"), "payments 4.3.0 " + SECRET + "\n");
        CliRun r = drift("--env", "staging", "--env", "prod", "--no-default-ignore");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("***"), r.out());
        assertFalse(r.all().contains(SECRET), r.all());
        try (var runs = Files.walk(dir.resolve("state"))) {
            for (Path p : runs.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(p).contains(SECRET), p.toString());
            }
        }
    }
}
