package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Locks against separate JVMs: the OS lock decides, the owner record names, a dead holder's run decides takeover. */
class RunLockTest {
    @TempDir
    Path dir;

    private Path locks() {
        return dir.resolve("locks");
    }

    /** A probe JVM (see {@link LockProbe}) and the first line it prints. */
    private record Probe(Process process, BufferedReader out, String first) {
        String next() throws Exception {
            return out.readLine();
        }
    }

    private Probe probe(String key, String runId, Path runDir, String mode) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LockProbe.class.getName(), locks().toString(), key, runId, runDir.toString(), mode));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        return new Probe(p, out, out.readLine());
    }

    private static void finish(Probe p) throws Exception {
        p.process().getOutputStream().close();
        assertTrue(p.process().waitFor(60, TimeUnit.SECONDS));
    }

    private Path journal(String runId, boolean finished) throws Exception {
        Path runDir = dir.resolve("runs").resolve(runId);
        try (Journal j = Journal.create(runDir, runId, "bob", new Masker())) {
            j.append("run.started", null, null, null, Map.of("runbook", "x"));
            if (finished) {
                j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED"));
            }
        }
        return runDir;
    }

    @Test
    @SuppressWarnings("try")
    void aLockHeldByAnotherProcessIsRefusedNamingIt() throws Exception {
        Probe holder = probe("db", "run-a", journal("run-a", false), "hold");
        try {
            assertEquals("acquired", holder.first());
            RunLock.HeldException e = assertThrows(RunLock.HeldException.class,
                    () -> RunLock.acquire(locks(), "db", "run-b", dir, "alice", Set.of("run-a")));
            assertTrue(!e.abandoned() && e.getMessage().contains("run run-a by probe")
                    && e.getMessage().contains("pid " + holder.process().pid()), e.getMessage());
            assertThrows(RunLock.HeldException.class, () -> RunLock.unlock(locks(), "db", "alice", "impatient"),
                    "unlock refuses while the holder lives, even for its own run id");
        } finally {
            finish(holder);
        }
        try (RunLock l = RunLock.acquire(locks(), "db", "run-b", dir, "alice", Set.of()).lock()) {
            assertEquals("run-b", RunLock.holder(locks(), "db").orElseThrow().runId());
        }
        assertTrue(RunLock.holder(locks(), "db").isEmpty(), "released cleanly: no owner record left");
    }

    @Test
    void aSecondCloseDoesNotReleaseTheLockTheNextRunHolds() throws Exception {
        Probe first = probe("db", "run-a", dir, "double-close");
        assertEquals("acquired", first.first());
        assertEquals("released", first.next());
        Probe next = probe("db", "run-b", dir, "hold");
        try {
            assertEquals("acquired", next.first());
            first.process().getOutputStream().write('\n');
            first.process().getOutputStream().flush();
            assertEquals("closed-again", first.next());
            assertTrue(first.process().waitFor(60, TimeUnit.SECONDS));
            assertEquals("run-b", RunLock.holder(locks(), "db").orElseThrow().runId(),
                    "the first run's second close left the next run's record alone");
            Probe third = probe("db", "run-c", dir, "try");
            assertEquals("held", third.first(), "and the next run still holds the lock");
            assertTrue(third.process().waitFor(60, TimeUnit.SECONDS));
        } finally {
            finish(next);
        }
    }

    @Test
    @SuppressWarnings("try")
    void inOneJvmASecondAcquireIsHeldAndItsFailureDoesNotDropTheFirst() throws Exception {
        try (RunLock first = RunLock.acquire(locks(), "db", "run-a", dir, "alice", Set.of()).lock()) {
            assertThrows(RunLock.HeldException.class,
                    () -> RunLock.acquire(locks(), "db", "run-b", dir, "alice", Set.of()));
            Probe other = probe("db", "run-c", dir, "try");
            assertEquals("held", other.first());
            assertTrue(other.process().waitFor(60, TimeUnit.SECONDS));
        }
    }

    @Test
    @SuppressWarnings("try")
    void theLockOfAKilledUnfinishedRunIsTakenOverOnlyByTheRecoveryOfThatRun() throws Exception {
        Path crashed = journal("run-a", false);
        Probe holder = probe("db", "run-a", crashed, "hold");
        assertEquals("acquired", holder.first());
        holder.process().destroyForcibly().waitFor();   // SIGKILL: no release, the owner record stays
        RunLock.HeldException e = assertThrows(RunLock.HeldException.class,
                () -> RunLock.acquire(locks(), "db", "run-b", dir, "alice", Set.of()));
        assertTrue(e.abandoned(), e.getMessage());
        assertEquals("run-a", e.holder().runId());
        Probe other = probe("db", "run-c", dir, "try");
        assertEquals("abandoned", other.first(), "another process is refused the same way");
        assertTrue(other.process().waitFor(60, TimeUnit.SECONDS));
        RunLock.Acquired resumed = RunLock.acquire(locks(), "db", "run-a", crashed, "alice", Set.of("run-a"));
        try (RunLock l = resumed.lock()) {
            assertEquals("run-a", resumed.tookOverFrom().orElseThrow().runId());
            assertEquals(ProcessHandle.current().pid(), RunLock.holder(locks(), "db").orElseThrow().pid());
        }
    }

    @Test
    @SuppressWarnings("try")
    void theLockOfAKilledFinishedRunIsTakenOverByAnyone() throws Exception {
        Probe holder = probe("db", "run-a", journal("run-a", true), "hold");
        assertEquals("acquired", holder.first());
        holder.process().destroyForcibly().waitFor();
        RunLock.Acquired a = RunLock.acquire(locks(), "db", "run-b", dir, "alice", Set.of());
        try (RunLock l = a.lock()) {
            assertEquals("run-a", a.tookOverFrom().orElseThrow().runId());
        }
    }

    @Test
    void unlockRemovesADeadHoldersLockAndRecordsWhoWhenWhyAndWhose() throws Exception {
        Probe holder = probe("db", "run-a", journal("run-a", false), "hold");
        assertEquals("acquired", holder.first());
        holder.process().destroyForcibly().waitFor();
        assertEquals("run-a", RunLock.unlock(locks(), "db", "carol", "host rebuilt").orElseThrow().runId());
        String log = Files.readString(RunLock.unlockLog(locks()));
        assertTrue(log.contains("\"operator\":\"carol\"") && log.contains("\"reason\":\"host rebuilt\"")
                && log.contains("\"run_id\":\"run-a\"") && log.contains("\"holder_run_finished\":false"), log);
        assertTrue(RunLock.unlock(locks(), "db", "carol", "again").isEmpty(), "nothing left to unlock");
        try (RunLock l = RunLock.acquire(locks(), "db", "run-b", dir, "alice", Set.of()).lock()) {
            assertEquals("run-b", l.holder().runId());
        }
    }

    @Test
    void anUnreadableOwnerRecordIsNotTakenOverSilently() throws Exception {
        Path owner = RunLock.ownerFile(locks(), "db");
        Files.createDirectories(owner.getParent());
        Files.writeString(owner, "{not json");
        RunLock.HeldException e = assertThrows(RunLock.HeldException.class,
                () -> RunLock.acquire(locks(), "db", "run-b", dir, "alice", Set.of()));
        assertTrue(e.abandoned() && e.getMessage().contains("unreadable owner record"), e.getMessage());
    }

    @Test
    @SuppressWarnings("try")
    void keysThatLookAlikeOnDiskAreDifferentLocks() throws Exception {
        try (RunLock a = RunLock.acquire(locks(), "db/a", "run-a", dir, "alice", Set.of()).lock();
             RunLock b = RunLock.acquire(locks(), "db_a", "run-b", dir, "alice", Set.of()).lock()) {
            assertEquals("run-a", RunLock.holder(locks(), "db/a").orElseThrow().runId());
            assertEquals("run-b", RunLock.holder(locks(), "db_a").orElseThrow().runId());
        }
    }

    @Test
    @SuppressWarnings("try")
    void theLockDirectoryIsSharedByAllUsers() throws Exception {
        Path shared = dir.resolve("a/b");
        try (RunLock l = RunLock.acquire(shared, "db", "run-a", dir, "alice", Set.of()).lock()) {
            assertEquals(01777, (Integer) Files.getAttribute(shared, "unix:mode") & 07777, "sticky, world-writable");
            assertEquals(01777, (Integer) Files.getAttribute(shared.getParent(), "unix:mode") & 07777);
            assertEquals(0666, (Integer) Files.getAttribute(RunLock.ownerFile(shared, "db").resolveSibling("lock"),
                    "unix:mode") & 07777);
        }
        assertEquals(dir.resolve("x"), RunLock.directory(Map.of("CUTOVER_LOCK_DIR", dir.resolve("x").toString())));
    }
}
