package dev.cutover.tls;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
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

/** {@code tls.store-backup}: copies a store byte for byte (fsync'd) and outputs the copy's path and SHA-256. */
public final class StoreBackupStep implements Undoable, Probeable {

    @Override
    public String id() {
        return "tls.store-backup";
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public String description() {
        return "Copies a store byte for byte to a backup file and outputs its path and SHA-256, for tls.store-restore.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.required("store", InputType.PATH, "the store file to back up"),
                InputSpec.optional("destination", InputType.PATH, null,
                        "where to write the copy (must not exist); default <run dir>/backups/<step id>/<file name>"));
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("store", "the store copied"),
                OutputSpec.string("backup", "the copy, for tls.store-restore"),
                OutputSpec.string("sha256", "SHA-256 of the copy, for tls.store-restore's sha256"),
                OutputSpec.integer("size", "size of the copy in bytes"));
    }

    private static Path destination(StepContext context, Path store) throws StepFailedException {
        return context.inputs().has("destination") ? context.inputs().path("destination").toAbsolutePath()
                : StoreChange.backupPath(context, store);
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        Path store = StoreInputs.storePath(context.inputs());
        return Plan.of("would copy " + store + " to " + destination(context, store));
    }

    @Override
    public Intent prepare(StepContext context) throws StepFailedException {
        Path store = StoreInputs.storePath(context.inputs());
        Path dest = destination(context, store);
        java.util.Optional<dev.cutover.spi.Host.FileInfo> info = HostStore.stat(context, store).filter(i -> !i.directory());
        if (info.isEmpty()) {
            throw new StepFailedException("input 'store': " + store + " does not exist" + HostStore.where(context)
                    + "; nothing to back up");
        }
        if (Files.exists(dest)) {
            throw new StepFailedException("input 'destination': " + dest + " already exists; a backup never "
                    + "overwrites a file, choose another path");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("store", store.toString());
        data.put("backup", dest.toString());
        byte[] bytes = HostStore.read(context, store, "store");
        try {
            Files.createDirectories(dest.toAbsolutePath().getParent());
            dev.cutover.spi.AtomicFiles.replace(dest, bytes, info.get().permissions().isEmpty()
                    ? dev.cutover.spi.AtomicFiles.OWNER_ONLY : info.get().permissions());
            data.put("backup_sha256", dev.cutover.spi.AtomicFiles.sha256(dest));
        } catch (IOException e) {
            throw new StepFailedException("cannot copy " + store + HostStore.where(context) + " to " + dest + ": "
                    + e.getMessage());
        }
        return Intent.of(data);
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException {
        Path backup = Path.of(intent.string("backup"));
        try {
            String hash = dev.cutover.spi.AtomicFiles.sha256(backup);
            if (!hash.equals(intent.string("backup_sha256"))) {
                throw new StepFailedException("backup " + backup + " changed after it was written; run the step again");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("store", intent.string("store"));
            out.put("backup", backup.toString());
            out.put("sha256", hash);
            out.put("size", Files.size(backup));
            return StepResult.done(out, "backed up " + intent.string("store") + " to " + backup);
        } catch (IOException e) {
            throw new StepFailedException("cannot read back backup " + backup + ": " + e.getMessage());
        }
    }

    /** A backup is evidence: undo keeps it and changes nothing. */
    @Override
    public StepResult undo(StepContext context, Intent intent) {
        return StepResult.unchanged("backup " + intent.string("backup") + " is kept", Map.of("backup",
                String.valueOf(intent.string("backup"))));
    }

    @Override
    public ProbeResult probe(StepContext context, Intent intent) {
        try {
            Path backup = Path.of(intent.string("backup"));
            return Files.isRegularFile(backup) && dev.cutover.spi.AtomicFiles.sha256(backup).equals(intent.string("backup_sha256"))
                    ? ProbeResult.DONE : ProbeResult.NOT_DONE;
        } catch (IOException | RuntimeException e) {
            return ProbeResult.UNKNOWN;
        }
    }
}
