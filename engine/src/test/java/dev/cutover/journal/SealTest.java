package dev.cutover.journal;

import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SealTest {
    @TempDir
    Path dir;

    private Path sealedRun(SealSigningKey key) throws Exception {
        Path run = dir.resolve("run");
        try (Journal j = Journal.create(run, "run-1", "alice", new Masker())) {
            j.append("run.started", null, null, null, Map.of("runbook", "demo"));
            j.append("step.succeeded", "a", "steps", 1, Map.of("outputs", Map.of("fingerprint", "ab:cd")));
            j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED"));
        }
        Seal.append(run, key, new Masker());
        return run.resolve(Journal.FILE_NAME);
    }

    @Test
    void keygenWritesAPrivateKeyOnlyItsOwnerCanReadAndRefusesToOverwrite() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(g.privateKey())));
        assertTrue(Files.readString(g.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(g.publicKey()).startsWith("-----BEGIN PUBLIC KEY-----"));
        assertEquals(g.fingerprint(), SealKeys.readPublic(g.publicKey()).fingerprint());
        assertEquals(g.fingerprint(), SealKeys.readPrivate(g.privateKey()).publicKey().fingerprint());
        assertTrue(g.fingerprint().matches("sha256:[0-9a-f]{64}"), g.fingerprint());
        assertThrows(FileAlreadyExistsException.class, () -> SealKeys.generate(dir.resolve("keys")));
        try (var files = Files.list(dir.resolve("keys"))) {
            assertEquals(2, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aSealedJournalVerifiesWithItsPublicKeyAndNamesTheSigner() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        Path journal = sealedRun(SealKeys.readPrivate(g.privateKey()));
        SealVerifier.Verdict v = SealVerifier.verify(journal, SealKeys.readPublic(g.publicKey()));
        assertTrue(v.ok(), v.problem());
        assertEquals(SealVerifier.Signature.VALID, v.signature());
        assertEquals(g.fingerprint(), v.seal().fingerprint());
        assertEquals(4, v.seal().line());
        assertEquals("SUCCEEDED", v.finalStatus());
        assertTrue(JournalVerifier.verify(journal).ok(), "the seal keeps the plain hash chain valid");
        SealVerifier.Verdict noKey = SealVerifier.verify(journal, null);
        assertTrue(noKey.ok());
        assertEquals(SealVerifier.Signature.NOT_CHECKED, noKey.signature());
    }

    @Test
    void everySingleByteChangeOfASealedJournalIsDetected() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        SealPublicKey pub = SealKeys.readPublic(g.publicKey());
        Path journal = sealedRun(SealKeys.readPrivate(g.privateKey()));
        byte[] original = Files.readAllBytes(journal);
        List<Integer> missed = new ArrayList<>();
        for (int i = 0; i < original.length; i++) {
            for (int flip : new int[] {0x01, 0x20}) {
                byte[] copy = original.clone();
                copy[i] = (byte) (copy[i] ^ flip);
                Files.write(journal, copy);
                SealVerifier.Verdict v = SealVerifier.verify(journal, pub);
                if (v.ok() || v.badLine() < 1) {
                    missed.add(i);
                }
            }
        }
        assertEquals(List.of(), missed, "undetected changes at these byte offsets of " + original.length);
    }

    @Test
    void theBadLineNamedIsTheLineThatWasChanged() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        Path journal = sealedRun(SealKeys.readPrivate(g.privateKey()));
        String text = Files.readString(journal);
        Files.writeString(journal, text.replace("ab:cd", "ab:ce"));
        SealVerifier.Verdict v = SealVerifier.verify(journal, SealKeys.readPublic(g.publicKey()));
        assertFalse(v.ok());
        assertEquals(2, v.badLine(), v.problem());
    }

    @Test
    void removingTheLastLineOrTruncatingTheTailIsDetected() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        SealPublicKey pub = SealKeys.readPublic(g.publicKey());
        Path journal = sealedRun(SealKeys.readPrivate(g.privateKey()));
        byte[] original = Files.readAllBytes(journal);
        List<String> lines = new ArrayList<>(Arrays.asList(new String(original, StandardCharsets.UTF_8).split("\n")));
        Files.writeString(journal, String.join("\n", lines.subList(0, 3)) + "\n");
        SealVerifier.Verdict removed = SealVerifier.verify(journal, pub);
        assertFalse(removed.ok());
        assertEquals(4, removed.badLine());
        assertTrue(removed.problem().contains("seal is missing"), removed.problem());

        Files.write(journal, Arrays.copyOf(original, original.length - 10));
        SealVerifier.Verdict truncated = SealVerifier.verify(journal, pub);
        assertFalse(truncated.ok());
        assertEquals(4, truncated.badLine(), truncated.problem());
    }

    @Test
    void aLineAppendedAfterTheSealIsDetectedEvenWithItsHashRecomputed() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        Path journal = sealedRun(SealKeys.readPrivate(g.privateKey()));
        try (Journal j = Journal.reopen(journal.getParent(), "mallory", new Masker())) {
            j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED"));
        }
        assertTrue(JournalVerifier.verify(journal).ok(), "the chain alone cannot tell");
        SealVerifier.Verdict v = SealVerifier.verify(journal, null);
        assertFalse(v.ok());
        assertEquals(5, v.badLine(), v.problem());
    }

    @Test
    void aRunSealedAgainAfterALaterRollbackVerifiesAndEverySealIsChecked() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        SealKeys.Generated other = SealKeys.generate(dir.resolve("other"));
        Path journal = sealedRun(SealKeys.readPrivate(g.privateKey()));
        try (Journal j = Journal.reopen(journal.getParent(), "alice", new Masker())) {
            j.append("rollback.started", null, "undo", null, Map.of("reason", "operator asked"));
        }
        Seal again = Seal.append(journal.getParent(), SealKeys.readPrivate(g.privateKey()), new Masker());
        assertEquals(6, again.line());
        SealVerifier.Verdict v = SealVerifier.verify(journal, SealKeys.readPublic(g.publicKey()));
        assertTrue(v.ok(), v.problem());
        assertEquals(6, v.seal().line());
        SealVerifier.Verdict wrong = SealVerifier.verify(journal, SealKeys.readPublic(other.publicKey()));
        assertEquals(4, wrong.badLine(), "the first seal is checked too: " + wrong.problem());
    }

    @Test
    void aJournalSignedWithAnotherKeyFails() throws Exception {
        SealKeys.Generated mine = SealKeys.generate(dir.resolve("mine"));
        SealKeys.Generated theirs = SealKeys.generate(dir.resolve("theirs"));
        Path journal = sealedRun(SealKeys.readPrivate(theirs.privateKey()));
        SealVerifier.Verdict v = SealVerifier.verify(journal, SealKeys.readPublic(mine.publicKey()));
        assertFalse(v.ok());
        assertEquals(SealVerifier.Signature.INVALID, v.signature());
        assertEquals(4, v.badLine());
        assertTrue(v.problem().contains("another key"), v.problem());
    }

    @Test
    void aForgedSignatureUnderTheRightFingerprintFails() throws Exception {
        SealKeys.Generated mine = SealKeys.generate(dir.resolve("mine"));
        SealKeys.Generated other = SealKeys.generate(dir.resolve("other"));
        Path run = dir.resolve("run");
        try (Journal j = Journal.create(run, "run-1", "alice", new Masker())) {
            j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED"));
            String forged = SealKeys.readPrivate(other.privateKey()).sign(j.lastHash());
            j.append(Seal.EVENT, null, null, null, Map.of("last_hash", j.lastHash(), "signature", forged,
                    "public_key_fingerprint", mine.fingerprint(), "algorithm", "Ed25519"));
        }
        SealVerifier.Verdict v = SealVerifier.verify(run.resolve(Journal.FILE_NAME),
                SealKeys.readPublic(mine.publicKey()));
        assertFalse(v.ok());
        assertTrue(v.problem().contains("signature does not verify"), v.problem());
    }

    @Test
    void keyFilesOfTheWrongKindAreRejectedWithoutShowingTheirContent() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        var e = assertThrows(java.io.IOException.class, () -> SealKeys.readPublic(g.privateKey()));
        assertTrue(e.getMessage().contains("private key"), e.getMessage());
        var e2 = assertThrows(java.io.IOException.class, () -> SealKeys.readPrivate(g.publicKey()));
        assertFalse(e2.getMessage().contains("MC"), e2.getMessage());
        assertFalse(SealKeys.readPrivate(g.privateKey()).toString().contains("PRIVATE"));
    }
}
