package dev.cutover.journal;

import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attacks on the record: journals moved between runs, cut, stripped of their seal, rewritten and re-chained. */
class RecordVerifierTest {
    @TempDir
    Path dir;

    /** The pid of a process that has ended, as a crashed run's journal records it. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private Path run(String id, long pid, boolean finish) throws Exception {
        Path runDir = dir.resolve("runs").resolve(id);
        try (Journal j = Journal.create(runDir, id, "alice", new Masker())) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("runbook", "demo");
            h.put("runbook_sha256", Canonical.sha256("runbook " + id));
            h.put("host", OsIdentity.host());
            h.put("pid", pid);
            j.append("run.started", null, null, null, h);
            j.append("step.started", "a", "steps", 1, Map.of("uses", "shell.exec", "mutating", true));
            j.append("step.succeeded", "a", "steps", 1, Map.of("outputs", Map.of("dir", "/srv/" + id)));
            if (finish) {
                j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED", "exit_code", 0));
            }
        }
        return runDir.resolve(Journal.FILE_NAME);
    }

    private static RecordVerifier.Verdict verify(Path journal, List<SealPublicKey> keys, String runId)
            throws Exception {
        return RecordVerifier.verify(journal, keys, RecordVerifier.Expect.nothing().run(runId, true));
    }

    @Test
    void aJournalCopiedIntoAnotherRunsDirectoryFailsEvenWithAValidSeal() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        SealSigningKey key = SealKeys.readPrivate(g.privateKey());
        Path a = run("run-a", deadPid(), true);
        Path b = run("run-b", deadPid(), true);
        Seal.append(a.getParent(), key, new Masker());
        Seal.append(b.getParent(), key, new Masker());
        List<SealPublicKey> trusted = List.of(SealKeys.readPublic(g.publicKey()));
        assertTrue(verify(a, trusted, "run-a").authenticated());
        Files.copy(b, a, StandardCopyOption.REPLACE_EXISTING);
        RecordVerifier.Verdict byId = verify(a, trusted, "run-a");
        assertFalse(byId.ok());
        assertEquals(RecordVerifier.Status.FAILED, byId.check("run").status());
        assertTrue(byId.problem().contains("records run run-b, not the run asked for (run-a)"), byId.problem());
        RecordVerifier.Verdict byDir = verify(a, trusted, null);
        assertFalse(byDir.ok());
        assertTrue(byDir.problem().contains("lies in the directory of run run-a"), byDir.problem());
    }

    @Test
    void theRunbookGivenMustBeTheOneTheJournalRecords() throws Exception {
        Path a = run("run-a", deadPid(), true);
        RecordVerifier.Expect e = RecordVerifier.Expect.nothing().run("run-a", true);
        assertTrue(RecordVerifier.verify(a, List.of(), e.runbook(Canonical.sha256("runbook run-a"), "x.yaml")).ok());
        RecordVerifier.Verdict other = RecordVerifier.verify(a, List.of(), e.runbook(Canonical.sha256("other"),
                "other.yaml"));
        assertFalse(other.ok());
        assertEquals(RecordVerifier.Status.FAILED, other.check("runbook").status());
        assertEquals(RecordVerifier.Status.NOT_CHECKED, RecordVerifier.verify(a, List.of(), e).check("runbook")
                .status());
    }

    @Test
    void aJournalCutAtALineBoundaryIsIncompleteUnlessItsProcessIsAlive() throws Exception {
        Path a = run("run-a", deadPid(), true);
        List<String> lines = Files.readAllLines(a);
        Files.writeString(a, String.join("\n", lines.subList(0, lines.size() - 1)) + "\n");
        RecordVerifier.Verdict cut = verify(a, List.of(), "run-a");
        assertFalse(cut.ok(), "a chain cut at a line boundary is consistent, but the run did not end there");
        assertEquals(RecordVerifier.Status.FAILED, cut.check("complete").status());
        assertEquals(4, cut.badLine());
        assertTrue(cut.problem().contains("not run.finished"), cut.problem());

        Path alive = run("run-b", ProcessHandle.current().pid(), false);
        RecordVerifier.Verdict running = verify(alive, List.of(), "run-b");
        assertTrue(running.ok(), running.problem());
        assertTrue(running.check("complete").text().contains("still in progress"), running.check("complete").text());
        RecordVerifier.Verdict resumable = RecordVerifier.verify(a, List.of(),
                RecordVerifier.Expect.nothing().run("run-a", true).resumable());
        assertTrue(resumable.ok(), "resume needs no run.finished: " + resumable.problem());
    }

    @Test
    void withoutAKeyAnUnsealedOrStrippedJournalIsNeverAuthenticatedAndWithOneItFails() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        Path a = run("run-a", deadPid(), true);
        Seal.append(a.getParent(), SealKeys.readPrivate(g.privateKey()), new Masker());
        List<String> lines = Files.readAllLines(a);
        Files.writeString(a, String.join("\n", lines.subList(0, lines.size() - 1)) + "\n");
        RecordVerifier.Verdict stripped = verify(a, List.of(), "run-a");
        assertTrue(stripped.ok());
        assertFalse(stripped.authenticated());
        assertTrue(stripped.check("seal").text().startsWith("NOT sealed: anyone who can write this file"),
                stripped.check("seal").text());
        RecordVerifier.Verdict withKey = verify(a, List.of(SealKeys.readPublic(g.publicKey())), "run-a");
        assertFalse(withKey.ok());
        assertTrue(withKey.problem().contains("seal is missing"), withKey.problem());
    }

    @Test
    void aRewrittenAndReChainedJournalIsConsistentButNotAuthenticated() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        Path a = run("run-a", deadPid(), true);
        Seal.append(a.getParent(), SealKeys.readPrivate(g.privateKey()), new Masker());
        List<JournalEvent> original = JournalReader.read(a).events();
        Path forgedDir = dir.resolve("forged").resolve("run-a");
        try (Journal j = Journal.create(forgedDir, "run-a", "alice", new Masker())) {
            for (JournalEvent e : original.subList(0, original.size() - 1)) {
                Map<String, Object> data = new LinkedHashMap<>(e.data());
                if ("step.succeeded".equals(e.event())) {
                    data.put("outputs", Map.of("dir", "/etc"));
                }
                j.append(e.event(), e.step(), e.section(), e.attempt(), data);
            }
        }
        Path forged = forgedDir.resolve(Journal.FILE_NAME);
        RecordVerifier.Verdict v = verify(forged, List.of(), "run-a");
        assertTrue(v.ok(), "the chain alone cannot tell");
        assertFalse(v.authenticated());
        assertEquals(SealVerifier.Signature.UNSEALED, v.seal().signature());
        assertFalse(verify(forged, List.of(SealKeys.readPublic(g.publicKey())), "run-a").ok());
        // re-sealed with the forger's own key: a trusted key does not accept it
        SealKeys.Generated mallory = SealKeys.generate(dir.resolve("mallory"));
        Seal.append(forgedDir, SealKeys.readPrivate(mallory.privateKey()), new Masker());
        RecordVerifier.Verdict resealed = verify(forged, List.of(SealKeys.readPublic(g.publicKey())), "run-a");
        assertFalse(resealed.ok());
        assertTrue(resealed.problem().contains("sealed by another key"), resealed.problem());
    }

    @Test
    void linesAfterTheSealOrAForgedSecondSealAreNeverHandedOn() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        Path a = run("run-a", deadPid(), true);
        Seal.append(a.getParent(), SealKeys.readPrivate(g.privateKey()), new Masker());
        int sealLine = Files.readAllLines(a).size();
        try (Journal j = Journal.reopen(a.getParent(), "mallory", new Masker())) {
            j.append("run.finished", null, null, null, Map.of("status", "ROLLED_BACK", "reason", "forged"));
        }
        RecordVerifier.Verdict after = verify(a, List.of(), "run-a");
        assertFalse(after.ok());
        assertEquals(sealLine + 1, after.badLine());
        assertEquals(sealLine, after.events().size(), "up to and including the seal");
        assertEquals("SUCCEEDED", after.finalStatus());
        assertEquals(sealLine + 1, after.lines());

        SealKeys.Generated mallory = SealKeys.generate(dir.resolve("mallory"));
        Seal.append(a.getParent(), SealKeys.readPrivate(mallory.privateKey()), new Masker());
        RecordVerifier.Verdict resealed = verify(a, List.of(SealKeys.readPublic(g.publicKey())), "run-a");
        assertFalse(resealed.ok());
        assertEquals(sealLine, resealed.events().size(), "only up to the last seal that verified");
        assertEquals("SUCCEEDED", resealed.finalStatus());
    }

    @Test
    void journalsAndRunDirectoriesAreCreatedPrivate() throws Exception {
        Path a = run("run-a", deadPid(), true);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.getParent())));
    }

    @Test
    void aPrivateKeyOthersCanReadIsRefusedWithTheChmodToRun() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        Files.setPosixFilePermissions(g.privateKey(), PosixFilePermissions.fromString("rw-r--r--"));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> SealKeys.readPrivate(g.privateKey()));
        assertTrue(e.getMessage().contains("chmod 600 " + g.privateKey()), e.getMessage());
        assertFalse(e.getMessage().contains(Files.readString(g.privateKey()).split("\n")[1]));
    }

    @Test
    void trustedKeysComeFromFilesAndDirectoriesAndAnEmptyDirectoryIsAnError() throws Exception {
        SealKeys.Generated g = SealKeys.generate(dir.resolve("keys"));
        Path store = Files.createDirectories(dir.resolve("trusted"));
        Files.copy(g.publicKey(), store.resolve("ops.pem"));
        assertEquals(1, TrustedKeys.load(List.of(store), g.publicKey().toString()).size());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> TrustedKeys.load(List.of(empty), null));
        Files.copy(g.privateKey(), store.resolve("oops.pem"));
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> TrustedKeys.load(List.of(store), null), "a private key in the trust store is an error");
    }

    @Test
    void journalsOfThePreviousVersionStillVerify() throws Exception {
        Path old = dir.resolve("runs").resolve("old-1");
        try (Journal j = Journal.create(old, "old-1", "bob", new Masker())) {
            j.append("run.started", null, null, null, Map.of("runbook", "demo", "host", "elsewhere", "pid", 1));
            j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED"));
        }
        RecordVerifier.Verdict v = verify(old.resolve(Journal.FILE_NAME), List.of(), "old-1");
        assertTrue(v.ok(), v.problem());
        byte[] bytes = Files.readAllBytes(old.resolve(Journal.FILE_NAME));
        assertTrue(new String(bytes, StandardCharsets.UTF_8).endsWith("\n"));
        assertTrue(Instant.parse(v.first().time()).isBefore(Instant.now().plusSeconds(1)));
        assertEquals(new ArrayList<>(Arrays.asList("chain", "seal", "run", "complete", "runbook", "copies")),
                v.checks().stream().map(RecordVerifier.Check::name).toList());
    }
}
