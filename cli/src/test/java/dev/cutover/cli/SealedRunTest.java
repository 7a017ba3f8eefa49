package dev.cutover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SealedRunTest {
    @TempDir
    Path dir;

    private Path state() {
        return dir.resolve("state");
    }

    private Path runbook() throws Exception {
        return TraceRunbooks.write(dir, "ok.yaml", TraceRunbooks.header() + "steps:\n" + TraceRunbooks.step("a", "a", 0,
                TraceRunbooks.undo("undo-a", 0)) + "validate:\n" + TraceRunbooks.check("v", "v", 0));
    }

    private String run(Map<String, String> env, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", runbook().toString(), "--yes", "--output", "json",
                "--state-dir", state().toString(), "--set", "trace=" + dir.resolve("t"), "--operator", "alice"));
        args.addAll(List.of(extra));
        CliRun r = CliRun.withEnv(env, args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.err().contains("sealed: line"), r.err());
        return new ObjectMapper().readTree(r.out()).get("run_id").asText();
    }

    private Path keys(String name) {
        CliRun k = CliRun.of("keygen", "--out", dir.resolve(name).toString());
        assertEquals(0, k.exit(), k.all());
        assertTrue(k.out().contains("fingerprint: sha256:"), k.out());
        return dir.resolve(name);
    }

    @Test
    void keygenCreatesAPrivateKeyReadableOnlyByItsOwnerAndRefusesToOverwrite() throws Exception {
        Path k = keys("keys");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                k.resolve("cutover-sign-key.pem"))));
        CliRun again = CliRun.of("keygen", "--out", k.toString());
        assertEquals(2, again.exit());
        assertTrue(again.err().contains("already exists"), again.err());
    }

    @Test
    void aSealedRunVerifiesWithItsPublicKeyAndTheVerdictNamesOperatorStatusAndSigner() throws Exception {
        CliRun keygen = CliRun.of("keygen", "--out", dir.resolve("keys").toString());
        String fingerprint = keygen.out().replaceAll("(?s).*fingerprint: (sha256:[0-9a-f]{64}).*", "$1");
        Path k = dir.resolve("keys");
        String id = run(Map.of(), "--sign-key", k.resolve("cutover-sign-key.pem").toString());
        CliRun v = CliRun.of("verify", state().resolve("runs").resolve(id).toString(), "--public-key",
                k.resolve("cutover-sign-pub.pem").toString());
        assertEquals(0, v.exit(), v.all());
        assertTrue(v.out().contains("by alice") && v.out().contains("final status SUCCEEDED")
                && v.out().contains("valid Ed25519 signature by " + fingerprint), v.out());
        CliRun json = CliRun.of("verify", id, "--state-dir", state().toString(), "--public-key",
                k.resolve("cutover-sign-pub.pem").toString(), "--output", "json");
        assertEquals("valid", new ObjectMapper().readTree(json.out()).get("signature").asText(), json.out());
    }

    @Test
    void theSignKeyCanComeFromTheEnvironment() throws Exception {
        Path k = keys("keys");
        String id = run(Map.of("CUTOVER_SIGN_KEY", k.resolve("cutover-sign-key.pem").toString()));
        assertEquals(0, CliRun.of("verify", id, "--state-dir", state().toString(), "--public-key",
                k.resolve("cutover-sign-pub.pem").toString()).exit());
    }

    @Test
    void anotherKeyARemovedLastLineOrACutTailFailVerificationNamingTheLine() throws Exception {
        Path k = keys("keys");
        Path other = keys("other");
        String id = run(Map.of(), "--sign-key", k.resolve("cutover-sign-key.pem").toString());
        Path journal = state().resolve("runs").resolve(id).resolve("journal.jsonl");
        String pub = k.resolve("cutover-sign-pub.pem").toString();
        CliRun wrong = CliRun.of("verify", journal.toString(), "--public-key",
                other.resolve("cutover-sign-pub.pem").toString());
        assertEquals(1, wrong.exit());
        assertTrue(wrong.err().contains("TAMPERED") && wrong.err().contains("another key"), wrong.err());

        byte[] original = Files.readAllBytes(journal);
        List<String> lines = Arrays.asList(new String(original, StandardCharsets.UTF_8).split("\n"));
        Files.writeString(journal, String.join("\n", lines.subList(0, lines.size() - 1)) + "\n");
        CliRun removed = CliRun.of("verify", journal.toString(), "--public-key", pub);
        assertEquals(1, removed.exit());
        assertTrue(removed.err().contains("line " + lines.size()) && removed.err().contains("seal is missing"),
                removed.err());

        Files.write(journal, Arrays.copyOf(original, original.length - 1));
        CliRun cut = CliRun.of("verify", journal.toString(), "--public-key", pub);
        assertEquals(1, cut.exit());
        assertTrue(cut.err().contains("line " + lines.size()), cut.err());
    }

    @Test
    void anUnreadableSignKeyStopsTheRunBeforeAnythingRuns() throws Exception {
        Path k = keys("keys");
        CliRun r = CliRun.of("run", runbook().toString(), "--yes", "--state-dir", state().toString(), "--set",
                "trace=" + dir.resolve("t"), "--sign-key", k.resolve("cutover-sign-pub.pem").toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("nothing was run"), r.err());
        assertEquals(List.of(), TraceRunbooks.trace(dir.resolve("t")));
        CliRun missing = CliRun.of("verify", "nope", "--state-dir", state().toString());
        assertEquals(2, missing.exit());
    }

    @Test
    void verifyWithAPrivateKeyInsteadOfThePublicOneIsAnInputError() throws Exception {
        Path k = keys("keys");
        String id = run(Map.of(), "--sign-key", k.resolve("cutover-sign-key.pem").toString());
        CliRun r = CliRun.of("verify", id, "--state-dir", state().toString(), "--public-key",
                k.resolve("cutover-sign-key.pem").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("private key"), r.err());
        assertFalse(r.all().contains(Files.readString(k.resolve("cutover-sign-key.pem")).split("\n")[1]));
    }
}
