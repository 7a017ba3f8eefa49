package dev.cutover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.approval.ApprovalCheck;
import dev.cutover.approval.SignedApproval;
import dev.cutover.journal.Canonical;
import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalReader;
import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cutover approve} signs an approval the run picks up; {@code verify} checks the journal's approvals. */
class ApproveCommandTest {
    @TempDir
    Path dir;

    private Path keys(String name) {
        assertEquals(0, CliRun.of("keygen", "--out", dir.resolve(name).toString()).exit());
        return dir.resolve(name);
    }

    /** A run waiting at its approval step, as the engine leaves it (the process is this test's, so alive). */
    private Path waitingRun() throws Exception {
        Path runDir = dir.resolve("state/runs/r-1");
        try (Journal j = Journal.create(runDir, "r-1", "alice", new Masker())) {
            j.append("run.started", null, null, null, Map.of("runbook", "rotate", "runbook_sha256", "ab".repeat(32),
                    "params", Map.of("db", "payments"), "ticket", "CHG-1", "host", dev.cutover.journal.OsIdentity.host(),
                    "pid", ProcessHandle.current().pid()));
            j.append("step.started", "go", "steps", 1, Map.of("uses", "approval", "mutating", false));
        }
        return runDir;
    }

    @Test
    void eachApproverSignsWithTheirOwnKeyAndTheFilesLandWhereTheRunPicksThemUp() throws Exception {
        Path runDir = waitingRun();
        Path dana = keys("dana");
        Path erin = keys("erin");
        CliRun a = CliRun.of("approve", "r-1", "--step", "go", "--key", dana.resolve("cutover-sign-key.pem").toString(),
                "--as", "dana", "--reason", "plan reviewed", "--state-dir", dir.resolve("state").toString());
        assertEquals(0, a.exit(), a.all());
        assertTrue(a.out().contains("ticket CHG-1") && a.out().contains("as dana"), a.out());
        CliRun b = CliRun.of("approve", runDir.toString(), "--step", "go", "--key",
                erin.resolve("cutover-sign-key.pem").toString(), "--as", "erin");
        assertEquals(0, b.exit(), b.all());
        ApprovalCheck.Expected e = ApprovalCheck.Expected.of(JournalReader.read(runDir.resolve(Journal.FILE_NAME))
                .events().get(0), "go");
        ApprovalCheck.Collected c = ApprovalCheck.collect(runDir, e, dev.cutover.journal.TrustedKeys.load(
                List.of(dana.resolve("cutover-sign-pub.pem"), erin.resolve("cutover-sign-pub.pem")), null));
        assertEquals(List.of("dana", "erin"), c.valid().stream().map(SignedApproval::approver).sorted().toList(),
                c.rejected().toString());

        Files.setPosixFilePermissions(erin.resolve("cutover-sign-key.pem"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        CliRun open = CliRun.of("approve", runDir.toString(), "--step", "go", "--key",
                erin.resolve("cutover-sign-key.pem").toString());
        assertEquals(2, open.exit(), open.all());
        assertTrue(open.err().contains("chmod 600"), open.err());
    }

    @Test
    void verifyChecksTheSignedApprovalsTheJournalKeepsAgainstTheApproversKeys() throws Exception {
        Path runDir = waitingRun();
        Path dana = keys("dana");
        Path mallory = keys("mallory");
        for (Path k : List.of(dana, mallory)) {
            assertEquals(0, CliRun.of("approve", runDir.toString(), "--step", "go", "--key",
                    k.resolve("cutover-sign-key.pem").toString(), "--as", k.getFileName().toString()).exit());
        }
        // what the engine's approval step journals for each approval that counts
        try (Journal j = Journal.reopen(runDir, "alice", new Masker())) {
            for (Path k : List.of(dana, mallory)) {
                String fp = dev.cutover.journal.SealKeys.readPublic(k.resolve("cutover-sign-pub.pem")).fingerprint();
                Map<String, Object> fields = Canonical.MAPPER.readValue(Files.readString(ApprovalCheck.file(runDir,
                        "go", fp)), new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
                j.append("approval.granted", "go", "steps", 1, fields);
            }
        }
        CliRun unchecked = CliRun.of("verify", runDir.toString());
        assertEquals(0, unchecked.exit(), unchecked.all());
        assertTrue(unchecked.out().contains("NOT checked: 2 signed approval(s)"), unchecked.out());
        CliRun onlyDana = CliRun.of("verify", runDir.toString(), "--approver-keys",
                dana.resolve("cutover-sign-pub.pem").toString());
        assertEquals(1, onlyDana.exit(), onlyDana.all());
        assertTrue(onlyDana.err().contains("BAD APPROVAL") && onlyDana.err().contains("by mallory")
                && onlyDana.err().contains("not a trusted approver key"), onlyDana.err());
        CliRun both = CliRun.withEnv(Map.of("CUTOVER_APPROVER_KEYS", dana.resolve("cutover-sign-pub.pem") + ":"
                + mallory.resolve("cutover-sign-pub.pem")), "verify", runDir.toString(), "--output", "json");
        assertEquals(0, both.exit(), both.all());
        assertEquals(2, new ObjectMapper().readTree(both.out()).at("/approvals/signed").asInt());
        CliRun report = CliRun.of("report", runDir.toString());
        assertTrue(report.out().contains("go: dana at ") && report.out().contains("(signed by sha256:"), report.out());
        assertFalse(report.out().contains("(not signed)"), report.out());
    }
}
