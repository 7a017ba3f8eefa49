package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resume only what is dead. Before {@code cutover resume} writes anything, it checks that the process
 * that ran the run (pid and start time from the journal header, so a reused pid is not mistaken for
 * it) is gone, and takes a machine-wide claim on the run (an OS lock in the lock directory, key
 * {@code run/<id>}) so that two resumes of one run cannot overlap. A refusal writes nothing to the run's
 * journal or directory.
 */
public final class RecoveryClaim implements AutoCloseable {
    private final RunLock lock;

    private RecoveryClaim(RunLock lock) {
        this.lock = lock;
    }

    /**
     * Refuses when the run's own process may still be running. Reads only.
     *
     * @param otherHostGone the operator says the host (or container) the run was started on is gone, so a
     *                      process there that cutover cannot see is not running ({@code resume --force})
     */
    public static void checkDead(Path runDir, boolean otherHostGone) throws Recovery.RefusedException {
        List<JournalEvent> events;
        try {
            events = JournalReader.read(runDir.resolve(Journal.FILE_NAME)).events();
        } catch (IOException e) {
            return; // Journal.reopen reports an unreadable journal, before writing anything
        }
        if (events.isEmpty()) {
            return;
        }
        JournalEvent header = events.get(0);
        Map<String, Object> h = header.data();
        java.util.Optional<dev.cutover.state.StateStore> store = dev.cutover.state.StateStores.current();
        if (store.isPresent()) {
            // with a team store, the run's writer holds a lease it renews while alive: an expired lease proves
            // the process gone (and fenced off) on whatever machine it ran
            store.get().checkWriterGone(header.run());
            if (h.get("host") != null && !Engine.host().equals(h.get("host").toString())) {
                return;
            }
        }
        if (!(h.get("pid") instanceof Number pid)) {
            return;
        }
        String host = h.get("host") == null ? null : h.get("host").toString();
        String who = "run " + header.run() + " was started " + header.time() + " by " + h.get("operator") + " on "
                + host + " as pid " + pid;
        if (host != null && !host.equals(Engine.host())) {
            if (otherHostGone) {
                return;
            }
            throw new Recovery.RefusedException(who + ", not on this host (" + Engine.host() + "), so cutover cannot "
                    + "tell whether it is still running. Resume it on " + host + "; if that host or container is gone "
                    + "for good, rerun with --force. Nothing was written");
        }
        Instant started;
        try {
            started = Instant.parse(header.time());
        } catch (RuntimeException e) {
            started = null;
        }
        String start = h.get("pid_start") == null ? null : h.get("pid_start").toString();
        if (new ProcessIdentity(pid.longValue(), start).isAlive(started)) {
            throw new Recovery.RefusedException(who + " and that process is still running. Resume is for a run "
                    + "whose process died (crash, kill -9, power loss): wait for it to finish, or stop it (Ctrl-C or "
                    + "SIGTERM rolls it back). Nothing was written");
        }
    }

    /**
     * Checks that the run's process is dead and claims the run for this process until {@link #close()}.
     * Writes nothing to the run's directory.
     */
    public static RecoveryClaim take(Path runDir, RunOptions options, boolean otherHostGone)
            throws Recovery.RefusedException {
        checkDead(runDir, otherHostGone);
        String runId = runDir.getFileName().toString();
        Path lockDir = RunLock.directory(options.environmentVariables());
        try {
            return new RecoveryClaim(RunLock.acquire(lockDir, "run/" + runId, runId, runDir, options.operator(),
                    Set.of(runId)).lock());
        } catch (IOException e) {
            throw new Recovery.RefusedException("cannot claim run " + runId + " in the lock directory " + lockDir + " ("
                    + dev.cutover.spi.ErrorText.of(e) + "); fix its permissions or point CUTOVER_LOCK_DIR at a shared local directory. Nothing was "
                    + "written");
        } catch (RunLock.HeldException e) {
            throw new Recovery.RefusedException("run " + runId + " is being recovered already: "
                    + (e.holder() == null ? "another process holds it" : "resume or rollback " + e.holder().toString()
                    .replaceFirst("^run \\S+ ", "")) + ". Nothing was written");
        }
    }

    /** Releases the claim; a second call does nothing. */
    @Override
    public void close() throws IOException {
        lock.close();
    }
}
