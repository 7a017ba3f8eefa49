package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.run.RunLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.cutover.cli.TraceRunbooks.header;
import static dev.cutover.cli.TraceRunbooks.step;
import static dev.cutover.cli.TraceRunbooks.trace;
import static dev.cutover.cli.TraceRunbooks.undo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperationalSafetyTest {
    @TempDir
    Path dir;

    private Path state() {
        return dir.resolve("state");
    }

    private CliRun run(Path rb, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("run", rb.toString(), "--yes", "--no-color",
                "--state-dir", state().toString(), "--set", "trace=" + dir.resolve("trace.log")));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private List<JournalEvent> lastJournal() throws Exception {
        try (var s = Files.list(state().resolve("runs"))) {
            Path last = s.max(java.util.Comparator.comparingLong(p -> p.resolve("journal.jsonl").toFile()
                    .lastModified())).orElseThrow();
            return JournalReader.read(last.resolve("journal.jsonl")).events();
        }
    }

    private Path runbook(String extraTop, String steps) throws Exception {
        return TraceRunbooks.write(dir, "rb.yaml", header().replace("name: trace\n", "name: trace\n" + extraTop)
                + "steps:\n" + steps);
    }

    private static Path lockDir() {
        return RunLock.directory(System.getenv());
    }

    /** An owner record as a holder leaves it when its process dies without releasing. */
    private static void forgeDeadHolder(String key, String runId, Path runDir) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path owner = RunLock.ownerFile(lockDir(), key);
        Files.createDirectories(owner.getParent());
        Files.writeString(owner, "{\"key\":\"" + key + "\",\"run_id\":\"" + runId + "\",\"run_dir\":\""
                + runDir + "\",\"operator\":\"bob\",\"os_user\":\"bob\",\"host\":\""
                + java.net.InetAddress.getLocalHost().getHostName() + "\",\"pid\":" + p.pid()
                + ",\"pid_start\":null,\"since\":\"2026-01-01T00:00:00Z\"}");
    }

    @Test
    @SuppressWarnings("try")
    void aSecondRunOnTheSameLockIsRefusedNamingTheHolder() throws Exception {
        Path rb = runbook("lock: \"db-${params.trace}\"\n", step("a", "a", 0, undo("undo-a", 0)));
        String key = "db-" + dir.resolve("trace.log");
        try (RunLock held = RunLock.acquire(lockDir(), key, "run-elsewhere", null, "alice", Set.of()).lock()) {
            CliRun r = run(rb);
            assertEquals(5, r.exit(), r.all());
            assertTrue(r.out().contains("held by run run-elsewhere by alice on"), r.out());
            assertTrue(r.out().contains("pid " + ProcessHandle.current().pid()), r.out());
            assertEquals(List.of(), trace(dir.resolve("trace.log")));
            assertTrue(lastJournal().stream().anyMatch(e -> e.event().equals("lock.refused")));
            CliRun unlock = CliRun.of("unlock", key, "--reason", "impatient", "--state-dir", state().toString());
            assertEquals(5, unlock.exit(), "unlock refuses while the holder is alive: " + unlock.all());
            assertTrue(RunLock.holder(lockDir(), key).isPresent());
        }
        CliRun ok = run(rb);
        assertEquals(0, ok.exit(), ok.all());
        assertTrue(lastJournal().stream().anyMatch(e -> e.event().equals("lock.released")));
        assertTrue(RunLock.holder(lockDir(), key).isEmpty(), "the lock is released at the end");
    }

    @Test
    void aLockLeftByADeadProcessWhoseRunFinishedIsTakenOverAndJournaled() throws Exception {
        Path rb = runbook("lock: \"payments-${params.trace}\"\n", step("a", "a", 0, undo("undo-a", 0)));
        String key = "payments-" + dir.resolve("trace.log");
        assertEquals(0, run(rb).exit());
        Path finished;
        try (var s = Files.list(state().resolve("runs"))) {
            finished = s.findFirst().orElseThrow();
        }
        forgeDeadHolder(key, finished.getFileName().toString(), finished);
        CliRun r = run(rb);
        assertEquals(0, r.exit(), r.all());
        JournalEvent taken = lastJournal().stream().filter(e -> e.event().equals("lock.taken-over")).findFirst()
                .orElseThrow();
        assertTrue(taken.dataString("took_over_from").contains(finished.getFileName() + " by bob"),
                taken.data().toString());
    }

    @Test
    void unlockRemovesTheLockOfADeadHolderAndLeavesARecord() throws Exception {
        String key = "payments-db-" + dir.getFileName();
        forgeDeadHolder(key, "stuck-run", dir.resolve("gone"));
        CliRun r = CliRun.of("unlock", key, "--reason", "host died", "--state-dir", state().toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(RunLock.holder(lockDir(), key).isEmpty());
        assertTrue(lastJournal().stream().anyMatch(e -> e.event().equals("lock.removed")
                && "host died".equals(e.dataString("reason"))));
        assertTrue(Files.readAllLines(RunLock.unlockLog(lockDir())).stream()
                .anyMatch(l -> l.contains("\"reason\":\"host died\"") && l.contains("stuck-run")));
        assertTrue(r.err().contains("stuck-run did not finish"), r.all());
    }

    @Test
    void outsideTheChangeWindowTheRunIsRefusedUnlessOverriddenWithAReason() throws Exception {
        DayOfWeek today = ZonedDateTime.now(ZoneOffset.UTC).getDayOfWeek();
        DayOfWeek open = today.plus(3);
        String window = "window: { days: [" + open.name().substring(0, 3).toLowerCase(Locale.ROOT)
                + "], from: \"01:00\", to: \"02:00\", zone: UTC }\n";
        Path rb = runbook(window, step("a", "a", 0, undo("undo-a", 0)));
        CliRun refused = run(rb);
        assertEquals(5, refused.exit(), refused.all());
        assertTrue(refused.out().contains("outside the change window") && refused.out().contains("next opening"),
                refused.out());
        assertEquals(List.of(), trace(dir.resolve("trace.log")));
        CliRun plan = CliRun.of("plan", rb.toString(), "--state-dir", state().toString(), "--set",
                "trace=" + dir.resolve("trace.log"));
        assertEquals(0, plan.exit(), "plan always runs: " + plan.all());
        CliRun overridden = run(rb, "--override-window", "--reason", "P1 incident INC-42");
        assertEquals(0, overridden.exit(), overridden.all());
        JournalEvent o = lastJournal().stream().filter(e -> e.event().equals("window.overridden")).findFirst()
                .orElseThrow();
        assertEquals("P1 incident INC-42", o.dataString("reason"));
    }

    @Test
    void approvalStepsNeedAnExplicitApprovalWhenNotOnATerminal() throws Exception {
        String approval = "  - id: go-ahead\n    uses: approval\n    with: { message: \"Rotate the prod CA?\" }\n";
        Path rb = runbook("", step("a", "a", 0, undo("undo-a", 0)) + approval + step("b", "b", 0, undo("undo-b", 0)));
        CliRun refused = CliRun.of("run", rb.toString(), "--yes", "--approve", "other", "--state-dir",
                state().toString(), "--set", "trace=" + dir.resolve("trace.log"));
        assertEquals(0, refused.exit(), "--yes approves as the operator: " + refused.all());
        Files.deleteIfExists(dir.resolve("trace.log"));
        Path rb2 = runbook("", step("a", "a", 0, undo("undo-a", 0)) + approval.replace("}", ", approvals: 2 }")
                + step("b", "b", 0, undo("undo-b", 0)));
        CliRun two = CliRun.of("run", rb2.toString(), "--yes", "--state-dir", state().toString(), "--set",
                "trace=" + dir.resolve("trace.log"));
        assertEquals(5, two.exit(), two.all());
        assertTrue(two.out().contains("2 distinct approvers"), two.out());
        assertEquals(List.of("a", "undo-a"), trace(dir.resolve("trace.log")), "what ran before is undone");
    }

    @Test
    void approveFlagApprovesOneStepAndIsJournaledWithTheApprover() throws Exception {
        String approval = "  - id: go-ahead\n    uses: approval\n    with: { message: \"Rotate?\" }\n";
        Path rb = runbook("", approval + step("b", "b", 0, undo("undo-b", 0)));
        CliRun r = run(rb, "--approve", "go-ahead", "--operator", "dana");
        assertEquals(0, r.exit(), r.all());
        JournalEvent g = lastJournal().stream().filter(e -> e.event().equals("approval.granted")).findFirst()
                .orElseThrow();
        assertEquals("dana", g.dataString("approver"));
    }

    @Test
    void aSucceededRunCanBeRolledBackLaterButNotAfterTheRunbookChanged() throws Exception {
        Path rb = runbook("rollback_window: 72h\n", step("a", "a", 0, undo("undo-a", 0))
                + step("b", "b", 0, undo("undo-b", 0)));
        CliRun r = run(rb, "--output", "json");
        assertEquals(0, r.exit(), r.all());
        String runId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("run_id").asText();
        Files.writeString(rb, Files.readString(rb) + "# edited\n");
        CliRun changed = CliRun.of("rollback", runId, "--runbook", rb.toString(), "--reason", "errors found", "--yes", "--state-dir",
                state().toString());
        assertEquals(5, changed.exit(), changed.all());
        assertTrue(changed.err().contains("runbook file changed"), changed.err());
        CliRun forced = CliRun.of("rollback", runId, "--runbook", rb.toString(), "--reason", "errors found", "--yes", "--force", "--state-dir",
                state().toString());
        assertEquals(1, forced.exit(), forced.all());
        assertEquals(List.of("a", "b", "undo-b", "undo-a"), trace(dir.resolve("trace.log")));
        List<JournalEvent> j = lastJournal();
        assertEquals("rollback", j.get(0).dataString("mode"));
        assertEquals(runId, j.get(0).dataString("of_run"));
        CliRun again = CliRun.of("rollback", runId, "--runbook", rb.toString(), "--reason", "twice", "--yes", "--force", "--state-dir",
                state().toString());
        assertEquals(5, again.exit(), "a run is rolled back once: " + again.all());
        assertTrue(again.err().contains("already rolled back by run"), again.err());
        CliRun runs = CliRun.of("runs", "--state-dir", state().toString());
        assertTrue(runs.out().contains("ROLLED_BACK by "), runs.out());
    }

    @Test
    void aLaterRollbackCanBeSealedAndVerifiedWithThePublicKey() throws Exception {
        Path keys = dir.resolve("keys");
        assertEquals(0, CliRun.of("keygen", "--out", keys.toString()).exit());
        Path rb = runbook("", step("a", "a", 0, undo("undo-a", 0)));
        CliRun r = run(rb, "--output", "json");
        String runId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("run_id").asText();
        CliRun back = CliRun.of("rollback", runId, "--runbook", rb.toString(), "--reason", "sealed", "--yes", "--state-dir", state().toString(),
                "--sign-key", keys.resolve("cutover-sign-key.pem").toString(), "--output", "json");
        assertEquals(1, back.exit(), back.all());
        String rollbackRun = new com.fasterxml.jackson.databind.ObjectMapper().readTree(back.out()).get("run_id")
                .asText();
        CliRun verified = CliRun.of("verify", rollbackRun, "--state-dir", state().toString(), "--public-key",
                keys.resolve("cutover-sign-pub.pem").toString());
        assertEquals(0, verified.exit(), verified.all());
        assertTrue(lastJournal().stream().anyMatch(e -> e.event().equals("run.sealed")));
    }

    @Test
    void rollbackWindowIsHonoured() throws Exception {
        Path rb = runbook("rollback_window: 1ms\n", step("a", "a", 0, undo("undo-a", 0)));
        CliRun r = run(rb, "--output", "json");
        String runId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("run_id").asText();
        Thread.sleep(20);
        CliRun late = CliRun.of("rollback", runId, "--runbook", rb.toString(), "--reason", "late", "--yes", "--state-dir", state().toString());
        assertEquals(5, late.exit(), late.all());
        assertTrue(late.err().contains("rollback_window"), late.err());
    }

    @Test
    void anUnwritableStateDirectoryRefusesBeforeAnythingRuns() throws Exception {
        Path rb = runbook("", step("a", "a", 0, undo("undo-a", 0)));
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        CliRun r = CliRun.of("run", rb.toString(), "--yes", "--state-dir", file.resolve("state").toString(), "--set",
                "trace=" + dir.resolve("trace.log"));
        assertEquals(5, r.exit(), r.all());
        assertTrue(r.err().contains("not writable") && r.err().contains("nothing was run"), r.err());
        assertFalse(Files.exists(dir.resolve("trace.log")));
    }
}
