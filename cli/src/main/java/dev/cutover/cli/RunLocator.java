package dev.cutover.cli;

import dev.cutover.journal.Canonical;
import dev.cutover.journal.Journal;
import dev.cutover.journal.RecordVerifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds a run's journal from a run id, a run directory, a journal file or an unpacked export, and says what
 * the journal found there must be: the run asked for, lying in that run's directory, and (for an export that
 * carries its runbook, or with {@code --runbook}) run from that runbook.
 */
final class RunLocator {
    private RunLocator() {
    }

    /**
     * A journal found, and what it was asked to be.
     *
     * @param journal the journal file
     * @param expect  the run id and directory to check; the runbook of an export
     */
    record Found(Path journal, RecordVerifier.Expect expect) {
    }

    /** The journal file, or null when nothing matches. */
    static Path journal(String ref, Path stateDir) {
        Found f = find(ref, stateDir);
        return f == null ? null : f.journal();
    }

    /** The journal and what to expect of it, or null when nothing matches. */
    static Found find(String ref, Path stateDir) {
        Path p = Path.of(ref);
        RecordVerifier.Expect none = RecordVerifier.Expect.nothing();
        if (Files.isRegularFile(p)) {
            Path dir = p.toAbsolutePath().normalize().getParent();
            boolean inRunDir = p.getFileName().toString().equals(Journal.FILE_NAME) && dir != null
                    && (dir.getParent() != null && dir.getParent().getFileName() != null
                    && dir.getParent().getFileName().toString().equals("runs")
                    || dir.getFileName() != null && dir.getFileName().toString().equals("run"));
            return withExportedRunbook(new Found(p, none.run(null, inRunDir)));
        }
        if (Files.isDirectory(p) && Files.isRegularFile(p.resolve(Journal.FILE_NAME))) {
            return new Found(p.resolve(Journal.FILE_NAME), none.run(null, true));
        }
        Path bundled = p.resolve("run").resolve(Journal.FILE_NAME);
        if (Files.isDirectory(p) && Files.isRegularFile(bundled)) {
            return withExportedRunbook(new Found(bundled, none.run(null, true)));
        }
        if (ref.isBlank() || ref.contains("/") || ref.contains("\\") || ref.equals(".") || ref.equals("..")) {
            return null;
        }
        Path byId = stateDir.resolve("runs").resolve(ref).resolve(Journal.FILE_NAME);
        java.util.Optional<dev.cutover.state.StateStore> store = dev.cutover.state.StateStores.current();
        if (store.isPresent()) {
            try {
                store.get().download(ref, byId.getParent()); // the team's record, copied here byte for byte
            } catch (IOException e) {
                throw new ExitException.Refused("cutover: cannot read run " + ref + " from the team store "
                        + store.get().describe() + ": " + e.getMessage());
            }
        }
        return Files.isRegularFile(byId) ? new Found(byId, none.run(ref, true)) : null;
    }

    /** An unpacked export's journal is expected to record the runbook the export carries in {@code runbook/}. */
    private static Found withExportedRunbook(Found f) {
        Path dir = f.journal().toAbsolutePath().normalize().getParent();
        if (dir == null || dir.getFileName() == null || !dir.getFileName().toString().equals("run")) {
            return f;
        }
        Path runbooks = dir.resolveSibling("runbook");
        if (!Files.isDirectory(runbooks)) {
            return f;
        }
        try (Stream<Path> s = Files.list(runbooks)) {
            List<Path> files = s.filter(Files::isRegularFile).toList();
            if (files.size() != 1) {
                return f;
            }
            return new Found(f.journal(), f.expect().runbook(Canonical.sha256(Files.readAllBytes(files.get(0))),
                    "the exported runbook runbook/" + files.get(0).getFileName()));
        } catch (IOException e) {
            return f;
        }
    }
}
