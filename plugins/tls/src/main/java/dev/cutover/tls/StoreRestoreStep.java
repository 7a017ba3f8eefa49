package dev.cutover.tls;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code tls.store-restore}: puts a backup back over a store byte for byte, checking its SHA-256; undoable. */
public final class StoreRestoreStep extends StoreChange {

    /** The step type as ServiceLoader creates it, renaming with an atomic move. */
    public StoreRestoreStep() {
        this(dev.cutover.spi.AtomicFiles.ATOMIC_MOVE);
    }

    StoreRestoreStep(dev.cutover.spi.AtomicFiles.Renamer renamer) {
        super(renamer);
    }

    @Override
    public String id() {
        return "tls.store-restore";
    }

    @Override
    public String description() {
        return "Restores a store from a backup byte for byte (checking the backup's SHA-256), backing up the "
                + "current store first so the restore itself can be undone.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.required("store", InputType.PATH, "the store file to restore"),
                InputSpec.required("backup", InputType.PATH, "the backup to restore, e.g. ${steps.ID.outputs.backup}"),
                InputSpec.optional("sha256", InputType.STRING, null,
                        "expected SHA-256 of the backup, e.g. ${steps.ID.outputs.sha256}; refused if it differs"));
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("store", "the store restored"),
                OutputSpec.string("restored_from", "the backup it was restored from"),
                OutputSpec.string("sha256", "SHA-256 of the store now (that of the backup)"),
                OutputSpec.string("backup",
                        "copy of the store taken before the restore (absent when it already equalled the backup)"),
                OutputSpec.string("backup_sha256",
                        "SHA-256 of that copy (absent when it already equalled the backup)"));
    }

    /** The backup's SHA-256, checked against the {@code sha256} input when given. */
    private static String checkedBackupHash(Inputs in) throws StepFailedException {
        Path backup = in.path("backup");
        String actual;
        try {
            actual = dev.cutover.spi.AtomicFiles.sha256(backup);
        } catch (IOException e) {
            throw new StepFailedException("input 'backup': cannot read " + backup + ": " + e.getMessage());
        }
        if (in.has("sha256") && !in.string("sha256").trim().equalsIgnoreCase(actual)) {
            throw new StepFailedException("input 'backup': " + backup + " has SHA-256 " + actual + ", not the expected "
                    + in.string("sha256").trim() + "; it is not the backup you meant, or it was altered");
        }
        return actual;
    }

    /** The store's SHA-256 on the step's host, or "" when it is not there. */
    private static String currentHash(StepContext context, Path store) {
        try {
            return HostStore.isFile(context, store) ? HostStore.sha256(context, store) : "";
        } catch (IOException | StepFailedException e) {
            return "";
        }
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        String hash = checkedBackupHash(in);
        Path store = StoreInputs.storePath(in);
        if (currentHash(context, store).equals(hash)) {
            return Plan.of(store + " already equals backup " + in.path("backup"));
        }
        return Plan.of("would restore " + store + " from " + in.path("backup"),
                List.of("~ " + store + " -> content of " + in.path("backup") + " (sha256 " + hash + ")"));
    }

    @Override
    Map<String, Object> expectations(StepContext context) throws StepFailedException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("restore_from", context.inputs().path("backup").toAbsolutePath().toString());
        m.put("restore_sha256", checkedBackupHash(context.inputs()));
        return m;
    }

    @Override
    boolean looksDone(StepContext context, Intent intent) {
        return currentHash(context, Path.of(intent.string("store"))).equalsIgnoreCase(intent.string("restore_sha256"));
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException {
        Inputs in = context.inputs();
        Path store = StoreInputs.storePath(in);
        String hash = checkedBackupHash(in);
        if (currentHash(context, store).equals(hash)) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("store", store.toString());
            out.put("restored_from", in.path("backup").toString());
            out.put("sha256", hash);
            return StepResult.unchanged("store already equals the backup", out);
        }
        StepResult r = restore(context, store, in.path("backup"), hash);
        Map<String, Object> out = new LinkedHashMap<>(r.outputs());
        if (intent.data().containsKey("backup")) {
            out.put("backup", intent.string("backup"));
            out.put("backup_sha256", intent.string("backup_sha256"));
        }
        return StepResult.done(out, r.message());
    }
}
