package dev.cutover.run;

import dev.cutover.journal.Canonical;
import dev.cutover.journal.PrivateFiles;
import dev.cutover.runbook.Runbook;
import dev.cutover.secrets.Masker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Keeps what ran in the run directory: {@code runbook.yaml}, the runbook's bytes as loaded, and
 * {@code environment.yaml}, its environment file with every secret value the run read masked (secret
 * params in an environment file are source references such as {@code env:NAME}, which stay as they are).
 * Their hashes go into {@code run.started}, so {@code cutover verify} can tell an edited copy, and
 * {@code cutover export} carries them: the evidence shows what ran even after the files change.
 */
public final class RunCopies {
    /** The copy of the runbook in a run directory. */
    public static final String RUNBOOK = "runbook.yaml";
    /** The copy of the environment file in a run directory. */
    public static final String ENVIRONMENT = "environment.yaml";

    private RunCopies() {
    }

    /**
     * Writes the copies and returns the fields for {@code run.started}: {@code runbook_copy} (the runbook
     * copy's hash is {@code runbook_sha256}), {@code environment_file}, {@code environment_copy} and
     * {@code environment_sha256}; a copy that cannot be made is said so, never silently left out.
     */
    static Map<String, Object> write(Path runDir, Runbook rb, Path environmentFile, Masker masker) throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        if (rb.file() != null) {
            byte[] bytes = readOrNull(rb.file());
            if (bytes != null && Canonical.sha256(bytes).equals(rb.sha256())) {
                create(runDir.resolve(RUNBOOK), bytes);
                h.put("runbook_copy", RUNBOOK);
            } else {
                h.put("runbook_copy", null);
                h.put("runbook_copy_missing", bytes == null ? "the runbook file could not be read again"
                        : "the runbook file changed after it was loaded; what ran is the version whose SHA-256 is "
                        + "runbook_sha256");
            }
        }
        if (environmentFile != null) {
            h.put("environment_file", environmentFile.toAbsolutePath().toString());
            byte[] bytes = readOrNull(environmentFile);
            if (bytes != null) {
                byte[] copy = masker.mask(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                create(runDir.resolve(ENVIRONMENT), copy);
                h.put("environment_copy", ENVIRONMENT);
                h.put("environment_sha256", Canonical.sha256(copy));
            } else {
                h.put("environment_copy", null);
            }
        }
        return h;
    }

    private static byte[] readOrNull(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** A new file, owner-only, on disk before the journal's first event names it. */
    private static void create(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PrivateFiles.file())) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }
}
