package dev.cutover.state;

import dev.cutover.journal.JournalEvent;
import dev.cutover.run.Recovery;
import dev.cutover.run.RunLock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A team's shared state (runs, journals, locks, approvals) that several machines see, configured with
 * {@code --state URL}. Without one, everything stays in local files. The engine reaches it through
 * {@link StateStores#current()}: the journal mirrors each event to it, {@link RunLock} and the recovery claim
 * take their leases in it, and an approval step reads approvals given from other machines from it.
 *
 * @since 0.1
 */
public interface StateStore {
    /**
     * Takes the right to append to a run's journal (a lease with a fencing token, kept alive by heartbeats),
     * first adding to the store any event of {@code existing} it lacks (the local tail of a run that stopped
     * because the store was unreachable). Refused while another live process holds it.
     *
     * @param existing the events the local journal already holds (empty for a new run)
     */
    JournalMirror openJournal(String runId, List<JournalEvent> existing) throws IOException;

    /**
     * {@link RunLock#acquire} across machines: one holder per key, with a lease. A dead holder's lock (lease
     * expired) is taken over when its run finished or when {@code mayTakeOverFrom} names its run.
     */
    RunLock.Acquired acquireLock(String key, String runId, Path runDir, String operator, Set<String> mayTakeOverFrom)
            throws IOException, RunLock.HeldException;

    /**
     * Refuses while the process writing a run's journal still holds its lease (it may be running on another
     * machine); reads only.
     */
    void checkWriterGone(String runId) throws Recovery.RefusedException;

    /**
     * Copies the store's journal of a run into {@code runDir} when the local copy is missing or shorter (a
     * local journal that is longer, or differs, is left alone). Returns whether the store knows the run.
     */
    boolean download(String runId, Path runDir) throws IOException;

    /** Copies the approvals of a run's step given through the store into {@code stepDir} (one file per key). */
    void fetchApprovals(String runId, String step, Path stepDir) throws IOException;

    /** What to tell the operator about where the store is (never with a password). */
    String describe();
}
