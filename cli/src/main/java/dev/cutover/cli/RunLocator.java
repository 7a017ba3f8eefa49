package dev.cutover.cli;

import dev.cutover.journal.Journal;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a run's journal from a run id, a run directory or a journal file. */
final class RunLocator {
    private RunLocator() {
    }

    /** The journal file, or null when nothing matches. */
    static Path journal(String ref, Path stateDir) {
        Path p = Path.of(ref);
        if (Files.isRegularFile(p)) {
            return p;
        }
        if (Files.isDirectory(p) && Files.isRegularFile(p.resolve(Journal.FILE_NAME))) {
            return p.resolve(Journal.FILE_NAME);
        }
        Path byId = stateDir.resolve("runs").resolve(ref).resolve(Journal.FILE_NAME);
        return Files.isRegularFile(byId) ? byId : null;
    }
}
