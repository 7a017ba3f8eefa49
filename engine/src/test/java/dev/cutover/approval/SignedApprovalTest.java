package dev.cutover.approval;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.journal.SealKeys;
import dev.cutover.journal.SealPublicKey;
import dev.cutover.journal.SealSigningKey;
import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two-person approval that needs two keys: replays, forgeries and one person signing twice are refused. */
class SignedApprovalTest {
    @TempDir
    Path dir;

    private SealSigningKey key(String name) throws Exception {
        return SealKeys.readPrivate(SealKeys.generate(dir.resolve(name)).privateKey());
    }

    private JournalEvent started(String run, String sha, Map<String, Object> params) throws Exception {
        Path runDir = dir.resolve("runs").resolve(run);
        try (Journal j = Journal.create(runDir, run, "alice", new Masker())) {
            j.append("run.started", null, null, null, Map.of("runbook_sha256", sha, "params", params));
        }
        return JournalReader.read(runDir.resolve(Journal.FILE_NAME)).events().get(0);
    }

    private static SignedApproval approve(SealSigningKey k, ApprovalCheck.Expected e, String who) {
        return SignedApproval.sign(k, e.run(), e.step(), e.runbookSha256(), e.paramsSha256(), who,
                "2026-11-30T09:00:00Z", "checked the plan");
    }

    @Test
    void twoApproversWithTheirOwnKeysCountAndOnePersonSigningTwiceCountsOnce() throws Exception {
        SealSigningKey dana = key("dana");
        SealSigningKey erin = key("erin");
        List<SealPublicKey> approvers = List.of(dana.publicKey(), erin.publicKey());
        ApprovalCheck.Expected e = ApprovalCheck.Expected.of(started("r-1", "ab".repeat(32), Map.of("db", "payments")),
                "go-ahead");
        Path runDir = dir.resolve("runs").resolve("r-1");
        ApprovalCheck.write(ApprovalCheck.file(runDir, "go-ahead", dana.publicKey().fingerprint()),
                approve(dana, e, "dana"));
        ApprovalCheck.write(runDir.resolve("approvals/go-ahead/again.json"), approve(dana, e, "erin (really dana)"));
        ApprovalCheck.Collected one = ApprovalCheck.collect(runDir, e, approvers);
        assertEquals(1, one.valid().size(), "one key is one approver, whatever name it types");
        ApprovalCheck.write(ApprovalCheck.file(runDir, "go-ahead", erin.publicKey().fingerprint()),
                approve(erin, e, "erin"));
        assertEquals(2, ApprovalCheck.collect(runDir, e, approvers).valid().size());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(ApprovalCheck.file(runDir, "go-ahead", erin.publicKey().fingerprint()))));
    }

    @Test
    void anApprovalCannotBeReplayedOnAnotherRunStepRunbookOrParametersNorForgedNorSignedByAStranger()
            throws Exception {
        SealSigningKey dana = key("dana");
        SealSigningKey mallory = key("mallory");
        List<SealPublicKey> approvers = List.of(dana.publicKey());
        ApprovalCheck.Expected e = ApprovalCheck.Expected.of(started("r-1", "ab".repeat(32), Map.of("db", "payments")),
                "go-ahead");
        SignedApproval good = approve(dana, e, "dana");
        assertEquals(null, ApprovalCheck.problem(good, e, approvers));
        assertTrue(ApprovalCheck.problem(good, new ApprovalCheck.Expected("r-2", "go-ahead", e.runbookSha256(),
                e.paramsSha256()), approvers).contains("not run r-2"));
        assertTrue(ApprovalCheck.problem(good, new ApprovalCheck.Expected("r-1", "other", e.runbookSha256(),
                e.paramsSha256()), approvers).contains("step other"));
        assertTrue(ApprovalCheck.problem(good, new ApprovalCheck.Expected("r-1", "go-ahead", "cd".repeat(32),
                e.paramsSha256()), approvers).contains("runbook SHA-256"));
        ApprovalCheck.Expected otherParams = ApprovalCheck.Expected.of(started("r-3", "ab".repeat(32),
                Map.of("db", "ledger")), "go-ahead");
        assertTrue(ApprovalCheck.problem(good, new ApprovalCheck.Expected("r-1", "go-ahead", e.runbookSha256(),
                otherParams.paramsSha256()), approvers).contains("other parameters"));
        assertTrue(ApprovalCheck.problem(approve(mallory, e, "dana"), e, approvers).contains("not a trusted approver"));
        Map<String, Object> forged = new LinkedHashMap<>(good.fields());
        forged.put("reason", "approved everything");
        assertTrue(ApprovalCheck.problem(SignedApproval.of(forged), e, approvers).contains("does not verify"));
    }

    @Test
    void theJournalsSignedApprovalsAreCheckedOfflineAgainstTheApproversKeys() throws Exception {
        SealSigningKey dana = key("dana");
        SealSigningKey mallory = key("mallory");
        Path runDir = dir.resolve("runs").resolve("r-9");
        try (Journal j = Journal.create(runDir, "r-9", "alice", new Masker())) {
            j.append("run.started", null, null, null, Map.of("runbook_sha256", "ab".repeat(32), "params", Map.of()));
        }
        ApprovalCheck.Expected e = ApprovalCheck.Expected.of(JournalReader.read(runDir.resolve(Journal.FILE_NAME))
                .events().get(0), "go");
        try (Journal j = Journal.reopen(runDir, "alice", new Masker())) {
            j.append("approval.granted", "go", "steps", 1, approve(dana, e, "dana").fields());
            j.append("approval.granted", "go", "steps", 1, approve(mallory, e, "erin").fields());
            j.append("approval.granted", "go", "steps", 1, Map.of("approver", "typed name", "time", "t", "reason", ""));
        }
        List<JournalEvent> events = JournalReader.read(runDir.resolve(Journal.FILE_NAME)).events();
        ApprovalCheck.Verdict v = ApprovalCheck.verifyJournal(events, List.of(dana.publicKey()));
        assertEquals(2, v.signed());
        assertEquals(1, v.unsigned());
        assertEquals(1, v.problems().size(), v.problems().toString());
        assertTrue(v.problems().get(0).startsWith("line 3: approval of step 'go' by erin"), v.problems().toString());
        assertTrue(ApprovalCheck.verifyJournal(events, List.of(dana.publicKey(), mallory.publicKey())).problems()
                .isEmpty());
    }
}
