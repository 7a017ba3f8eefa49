package dev.cutover.state;

import dev.cutover.journal.JournalEvent;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where a run's journal is copied, event by event, besides its local file: a team's shared store. The
 * journal calls {@link #append} synchronously after each event reached the local file, and the engine goes
 * on only when it returned: an event that could not be committed stops the run before its next change.
 *
 * @since 0.1
 */
public interface JournalMirror extends Closeable {
    /**
     * Commits one event durably, or throws. An implementation checks that it still holds the right to write
     * this run's journal (its fencing token) in the same transaction.
     *
     * @param event the event exactly as the local journal holds it ({@link JournalEvent#toLine()})
     * @throws IOException when the event was not committed (store unreachable, lease lost, chain broken)
     */
    void append(JournalEvent event) throws IOException;

    /** Gives up the right to write this run's journal; the events stay. */
    @Override
    void close() throws IOException;
}
