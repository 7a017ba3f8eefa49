package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cutover rehearse} over a real PKCS12 truststore and a config file: rollbacks that restore
 * everything are proven, a deliberately broken undo is not (naming what it left behind), and an
 * environment marked production is refused.
 */
class RehearseCommandTest {
    static final String NEW_CA = "Example Root CA G1";
    static final String OLD_CA = "Example Root CA 2019";

    /** A truststore import and a config change, each with an undo; %s is the import's undo (or nothing). */
    static final String RUNBOOK = """
            apiVersion: cutover/v1
            name: trust-and-configure
            params:
              truststore:     { type: path, required: true }
              store_password: { type: secret, from: "env:TRUSTSTORE_PASSWORD" }
              dir:            { type: path, required: true }
              bundle:         { type: path, default: new-ca.pem }
            preflight:
              - id: truststore-today
                uses: tls.store-inspect
                with: { store: "${params.truststore}", password: "${params.store_password}" }
              - id: config-today
                uses: shell.exec
                with: { command: [cat, "${params.dir}/app.conf"], readonly: true }
            steps:
              - id: trust-new-ca
                uses: tls.store-import
                with: { store: "${params.truststore}", password: "${params.store_password}", bundle: "${params.bundle}" }
            %s
              - id: check-import
                uses: tls.store-contains
                with: { store: "${params.truststore}", password: "${params.store_password}", subject_contains: ["G1"] }
              - id: write-config
                uses: shell.exec
                with: { command: [sh, -c, 'cp "$D/app.conf" "$D/app.conf.bak" && echo version=2 > "$D/app.conf"'],
                        env: { D: "${params.dir}" } }
                undo: { uses: shell.exec, with: { command: [cp, "${params.dir}/app.conf.bak", "${params.dir}/app.conf"] } }
            validate:
              - id: still-trusts-old-ca
                uses: tls.store-contains
                with: { store: "${params.truststore}", password: "${params.store_password}", subject_contains: ["2019"] }
            """;
    static final String BROKEN_UNDO = "    undo: { uses: shell.exec, with: { command: [\"true\"] } }";

    @TempDir
    static Path pki;
    @TempDir
    Path dir;
    Path store;
    Path state;

    @BeforeAll
    static void certificates() throws IOException {
        Path g1 = Keytool.certificate(pki, NEW_CA, 0, 3650);
        Path old = Keytool.certificate(pki, OLD_CA, -100, 3650);
        Files.copy(g1, pki.resolve("new-ca.pem"));
        Keytool.trust(pki.resolve("truststore.p12"), "PKCS12", "old", old);
    }

    @BeforeEach
    void environment() throws IOException {
        Files.copy(pki.resolve("new-ca.pem"), dir.resolve("new-ca.pem"));
        store = Files.copy(pki.resolve("truststore.p12"), dir.resolve("truststore.p12"));
        Files.writeString(dir.resolve("app.conf"), "version=1\n");
        Files.createDirectories(dir.resolve("environments"));
        Files.writeString(dir.resolve("environments/rehearsal.yaml"), "truststore: ../truststore.p12\ndir: ..\n");
        Files.writeString(dir.resolve("environments/prod.yaml"),
                "production: true\nparams:\n  truststore: ../truststore.p12\n  dir: ..\n");
        state = dir.resolve("state");
    }

    private Path runbook(String importUndo) throws IOException {
        return Files.writeString(dir.resolve("runbook.yaml"), RUNBOOK.formatted(importUndo));
    }

    private CliRun rehearse(Path runbook, String... args) {
        List<String> all = new ArrayList<>(List.of("rehearse", runbook.toString(), "--state-dir", state.toString(),
                // rehearse enforces the lints validate does; this runbook has no application to restart or reach
                "--allow", "restart-after-truststore-change", "--allow", "validate-without-new-connection"));
        all.addAll(Arrays.asList(args));
        return CliRun.withEnv(Map.of("TRUSTSTORE_PASSWORD", Keytool.PASSWORD), all.toArray(String[]::new));
    }

    @Test
    void failEachProvesEveryRollbackAndLeavesTheStoreAndConfigByteForByteAsTheyWere() throws IOException {
        byte[] before = Files.readAllBytes(store);
        CliRun r = rehearse(runbook(""), "--env", "rehearsal", "--fail-each");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("PROVEN: 2 of 2"), r.out());
        assertTrue(r.out().matches("(?s).*\\ntrust-new-ca +ROLLED_BACK +yes .*"), r.out());
        assertTrue(r.out().matches("(?s).*\\nwrite-config +ROLLED_BACK +yes .*"), r.out());
        assertTrue(r.out().contains("not rehearsed") == false, "check-import is read-only: " + r.out());
        assertArrayEquals(before, Files.readAllBytes(store));
        assertEquals("version=1\n", Files.readString(dir.resolve("app.conf")));
        assertFalse(r.all().contains(Keytool.PASSWORD), "the store password never reaches the console");
    }

    @Test
    void aBrokenUndoIsNotProvenAndTheLeftoverAliasIsNamed() throws IOException {
        CliRun r = rehearse(runbook(BROKEN_UNDO), "--env", "rehearsal", "--fail-each");
        // the run's own re-validation compares the preflight facts and already finds the leftover: the rollback
        // itself fails, so the rehearsal stops there (what follows would build on a system that is not back)
        assertEquals(4, r.exit(), r.all());
        assertTrue(r.out().contains("the system is not back as it was: store truststore.p12 still has '" + NEW_CA
                + "' (truststore-today)"), r.out());
        assertTrue(r.out().contains("after rollback of step trust-new-ca: store truststore.p12 still has '" + NEW_CA
                + "' (truststore-today)"), r.out());
        assertTrue(r.out().contains("not rehearsed: write-config: the rehearsal stopped first"), r.out());
    }

    @Test
    void keepGoingRehearsesTheRestAfterARollbackThatWasNotProven() throws IOException {
        // the store's facts come from a fact: true validate step here, which the run's own re-validation does not
        // compare (it compares preflight): the run ends ROLLED_BACK and only the rehearsal finds the leftover
        String check = "  - id: truststore-today\n    uses: tls.store-inspect\n"
                + "    with: { store: \"${params.truststore}\", password: \"${params.store_password}\" }\n";
        String yaml = RUNBOOK.formatted(BROKEN_UNDO).replace(check, "").replace("validate:\n", "validate:\n"
                + check + "    fact: true\n");
        CliRun r = rehearse(Files.writeString(dir.resolve("runbook.yaml"), yaml), "--env", "rehearsal", "--fail-each",
                "--keep-going", "--output", "json");
        assertEquals(1, r.exit(), r.all());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("NOT_PROVEN", json.get("status").asText());
        JsonNode attempts = json.get("attempts");
        assertEquals(2, attempts.size(), r.out());
        assertFalse(attempts.get(0).get("proven").asBoolean());
        assertTrue(attempts.get(0).get("differences").get(0).asText().contains("still has '" + NEW_CA + "'"));
        assertEquals("write-config", attempts.get(1).get("injected_at").asText());
        assertTrue(attempts.get(1).get("proven").asBoolean(), attempts.toString());
    }

    @Test
    void failAtRehearsesOneStepAndEveryRunIsJournaledAsARehearsal() throws IOException {
        CliRun r = rehearse(runbook(""), "--env", "rehearsal", "--fail-at", "write-config");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("PROVEN: 1 of 1"), r.out());
        CliRun runs = CliRun.of("runs", "--state-dir", state.toString());
        assertTrue(runs.out().contains("ROLLED_BACK*"), runs.out());
        assertFalse(runs.out().matches("(?s).*ROLLED_BACK(?!\\*).*"), "every run is a rehearsal: " + runs.out());
    }

    @Test
    void failAtAReadOnlyOrUnknownStepIsInvalidAndRunsNothing() throws IOException {
        Path rb = runbook("");
        CliRun readOnly = rehearse(rb, "--env", "rehearsal", "--fail-at", "check-import");
        assertEquals(2, readOnly.exit(), readOnly.all());
        assertTrue(readOnly.err().contains("step 'check-import' changes nothing"), readOnly.err());
        assertTrue(readOnly.err().contains("trust-new-ca, write-config"), readOnly.err());
        CliRun unknown = rehearse(rb, "--env", "rehearsal", "--fail-at", "nope");
        assertEquals(2, unknown.exit(), unknown.all());
        assertFalse(Files.exists(state.resolve("runs")) && Files.list(state.resolve("runs")).findAny().isPresent());
    }

    @Test
    void aProductionEnvironmentIsRefusedWithoutTheExplicitFlag() throws IOException {
        byte[] before = Files.readAllBytes(store);
        Path rb = runbook("");
        CliRun refused = rehearse(rb, "--env", "prod", "--fail-each");
        assertEquals(5, refused.exit(), refused.all());
        assertTrue(refused.err().contains("says 'production: true'"), refused.err());
        assertTrue(refused.err().contains("--i-know-this-is-production"), refused.err());
        assertArrayEquals(before, Files.readAllBytes(store));
        assertFalse(Files.exists(state.resolve("runs")), "nothing ran");
        CliRun allowed = rehearse(rb, "--env", "prod", "--fail-at", "trust-new-ca", "--i-know-this-is-production");
        assertEquals(0, allowed.exit(), allowed.all());
        assertTrue(allowed.err().contains("WARNING: rehearsing in a production environment"), allowed.err());
    }

    @Test
    void applyRollbackApplyProvesTheRollbackThenAppliesTheChangeForward() throws IOException {
        CliRun r = rehearse(runbook(""), "--env", "rehearsal", "--apply-rollback-apply");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().matches("(?s).*\\nwrite-config +ROLLED_BACK +yes .*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n\\(forward again\\) +SUCCEEDED .*"), r.out());
        assertEquals("version=2\n", Files.readString(dir.resolve("app.conf")));
    }

    @Test
    void exactlyOneModeIsRequired() throws IOException {
        CliRun none = rehearse(runbook(""), "--env", "rehearsal");
        assertEquals(2, none.exit(), none.all());
        CliRun two = rehearse(runbook(""), "--env", "rehearsal", "--fail-each", "--fail-at", "write-config");
        assertEquals(2, two.exit(), two.all());
    }

    @Test
    void aRunbookWithoutFactsIsRefusedBecauseNothingCouldBeProven() throws IOException {
        String noFacts = RUNBOOK.formatted("").replaceAll("(?s)preflight:.*?steps:", "steps:");
        Path rb = Files.writeString(dir.resolve("no-facts.yaml"), noFacts);
        CliRun r = rehearse(rb, "--env", "rehearsal", "--fail-each");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("has no facts to compare"), r.err());
        assertFalse(Files.exists(state.resolve("runs")), "nothing ran");
    }
}
