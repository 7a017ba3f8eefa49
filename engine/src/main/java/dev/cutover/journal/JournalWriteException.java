package dev.cutover.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The journal could not be written (a full disk, an I/O error). The event was not recorded and the file
 * was cut back to its last whole event, so the run must not change anything more: it stops and is
 * resumed once the cause is fixed. When the team store could not commit the event ({@link #storeProblem()}),
 * the local file keeps it and {@code cutover resume} copies it to the store.
 */
public final class JournalWriteException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    /** Why the team store did not take the event; null when the local file could not be written. */
    private final String storeProblem;

    JournalWriteException(Path file, IOException cause) {
        super("cannot write the journal " + file + ": " + cause.getMessage(), cause);
        this.file = file;
        this.storeProblem = null;
    }

    JournalWriteException(Path file, String storeProblem, IOException cause) {
        super(storeProblem, cause);
        this.file = file;
        this.storeProblem = storeProblem;
    }

    /** Why the team store did not commit the event (the local journal holds it); null for a local failure. */
    public String storeProblem() {
        return storeProblem;
    }

    /** The journal file. */
    public Path file() {
        return file;
    }
}
