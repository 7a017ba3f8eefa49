package dev.cutover.tls;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.spi.Host;
import dev.cutover.spi.Intent;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Undoable;
import dev.cutover.spi.Probeable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backup-and-undo discipline shared by the steps that change a store: prepare copies the store
 * byte for byte and records the copy's path and SHA-256 in the intent; every write is atomic; undo
 * restores the copy and checks the hash; probe compares the store's current hash with the backup's.
 * The store is on the step's host ({@link HostStore}); the backup the undo restores from is kept in the
 * run directory on cutover's machine, and on a remote host a second copy is left beside the store.
 */
abstract class StoreChange implements Undoable, Probeable {
    static final String TRAIT = "changes:truststore";
    private final AtomicFiles.Renamer renamer;

    StoreChange(AtomicFiles.Renamer renamer) {
        this.renamer = renamer;
    }

    @Override
    public Set<String> traits() {
        return Set.of(TRAIT, dev.cutover.spi.Traits.HOST_FILES);
    }

    /** Extra intent data this type's probe needs (expected aliases), computed before any change. */
    abstract Map<String, Object> expectations(StepContext context) throws StepFailedException;

    /** Whether the store, now different from its backup, shows this step's effect. */
    abstract boolean looksDone(StepContext context, Intent intent) throws StepFailedException;

    @Override
    public Intent prepare(StepContext context) throws StepFailedException {
        Path store = StoreInputs.storePath(context.inputs());
        Map<String, Object> expectations = expectations(context);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("store", store.toString());
        java.util.Optional<Host.FileInfo> info = HostStore.stat(context, store).filter(i -> !i.directory());
        boolean existed = info.isPresent();
        data.put("store_existed", existed);
        if (existed) {
            Path backup = backupPath(context, store);
            byte[] bytes = HostStore.read(context, store, "store");
            try {
                Files.createDirectories(backup.getParent());
                AtomicFiles.replace(backup, bytes, info.get().permissions().isEmpty() ? AtomicFiles.OWNER_ONLY
                        : info.get().permissions());
                data.put("backup", backup.toString());
                data.put("backup_sha256", AtomicFiles.sha256(bytes));
            } catch (IOException e) {
                throw new StepFailedException("cannot back up " + store + HostStore.where(context) + " to " + backup
                        + ": " + e.getMessage() + "; nothing was changed. Check free space and permissions of the run"
                        + " directory");
            }
            if (!context.host().isLocal()) {
                String beside = hostBackupPath(context, store);
                try {
                    context.host().replace(beside, bytes, info.get().permissions());
                } catch (IOException e) {
                    throw new StepFailedException("cannot keep a backup of " + store + " on " + context.host().name()
                            + " (" + beside + "): " + e.getMessage() + "; nothing was changed");
                }
                data.put("host", context.host().name());
                data.put("host_backup", beside);
            }
            context.note("backed up " + store + HostStore.where(context) + " to " + backup);
        }
        data.putAll(expectations);
        return Intent.of(data);
    }

    /** Where the backup of {@code store} goes: {@code <run dir>/backups/<step id>/<file name>}, never overwritten. */
    static Path backupPath(StepContext context, Path store) {
        Path dir = context.runDirectory().resolve("backups").resolve(context.stepId().replaceAll("[^A-Za-z0-9._-]", "_"));
        Path candidate = dir.resolve(store.getFileName().toString());
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = dir.resolve(store.getFileName() + "." + n);
        }
        return candidate.toAbsolutePath();
    }

    /** The copy left on a remote host beside the store: {@code .<file>.cutover-<run id>-<step id>.bak}. */
    static String hostBackupPath(StepContext context, Path store) {
        String clean = (context.runId() + "-" + context.stepId()).replaceAll("[^A-Za-z0-9._-]", "_");
        return store.resolveSibling("." + store.getFileName() + ".cutover-" + clean + ".bak").toString();
    }

    /** Writes new content to a store atomically; a failure leaves the original untouched. */
    void writeStore(StepContext context, Path store, byte[] bytes) throws StepFailedException {
        try {
            HostStore.write(context, store, bytes, renamer);
        } catch (IOException e) {
            throw new StepFailedException("could not replace " + store + HostStore.where(context) + " ("
                    + e.getMessage() + "); the original file is unchanged");
        }
    }

    @Override
    public StepResult undo(StepContext context, Intent intent) throws StepFailedException {
        Path store = Path.of(intent.string("store"));
        if (!Boolean.TRUE.equals(intent.data().get("store_existed"))) {
            try {
                boolean deleted = HostStore.delete(context, store);
                return StepResult.done(Map.of("store", store.toString(), "deleted", deleted),
                        deleted ? "removed " + store + ", which this step had created" : "nothing to undo");
            } catch (IOException e) {
                throw new StepFailedException("could not delete " + store + " (created by this step): " + e.getMessage()
                        + "; delete it by hand");
            }
        }
        Path backup = Path.of(intent.string("backup"));
        String expected = intent.string("backup_sha256");
        return restore(context, store, backup, expected);
    }

    /** Restores {@code backup} over {@code store} byte for byte, checking the backup's and the result's SHA-256. */
    StepResult restore(StepContext context, Path store, Path backup, String expected) throws StepFailedException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(backup);
        } catch (IOException e) {
            throw new StepFailedException("cannot read backup " + backup + " of " + store + ": " + e.getMessage()
                    + "; restore the store by hand from another copy");
        }
        String actual = AtomicFiles.sha256(bytes);
        if (expected != null && !actual.equalsIgnoreCase(expected)) {
            throw new StepFailedException("backup " + backup + " has SHA-256 " + actual + " but " + expected
                    + " was recorded; it was altered after the backup. The store " + store + " was not touched");
        }
        writeStore(context, store, bytes);
        try {
            String now = HostStore.sha256(context, store);
            if (!now.equals(actual)) {
                throw new StepFailedException("after restoring " + store + " its SHA-256 is " + now + ", expected "
                        + actual + "; copy " + backup + " over it by hand");
            }
        } catch (IOException e) {
            throw new StepFailedException("cannot re-read " + store + HostStore.where(context) + " after restoring it: "
                    + e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store.toString());
        out.put("restored_from", backup.toString());
        out.put("sha256", actual);
        return StepResult.done(out, "restored " + store + " from " + backup);
    }

    @Override
    public ProbeResult probe(StepContext context, Intent intent) {
        try {
            Path store = Path.of(intent.string("store"));
            boolean existed = Boolean.TRUE.equals(intent.data().get("store_existed"));
            if (!HostStore.isFile(context, store)) {
                return existed ? ProbeResult.UNKNOWN : ProbeResult.NOT_DONE;
            }
            if (existed && HostStore.sha256(context, store).equalsIgnoreCase(intent.string("backup_sha256"))) {
                return ProbeResult.NOT_DONE;
            }
            return looksDone(context, intent) ? ProbeResult.DONE : ProbeResult.UNKNOWN;
        } catch (IOException | StepFailedException | RuntimeException e) {
            return ProbeResult.UNKNOWN;
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> stringList(Intent intent, String key) {
        Object v = intent.data().get(key);
        return v instanceof List<?> l ? (List<String>) l : List.of();
    }
}
