package dev.cutover.file;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;

import java.util.List;

/**
 * {@code file.restore}: puts a backup (from {@code file.backup}) back over a file byte for byte, checking the
 * backup's SHA-256; it backs up the current file first, so the restore itself can be undone.
 */
public final class RestoreStep extends FileReplaceStep {

    @Override
    public String id() {
        return "file.restore";
    }

    @Override
    public String description() {
        return "Restore a file from a backup byte for byte (checking the backup's SHA-256), backing up the current "
                + "file first so the restore itself can be undone.";
    }

    @Override
    List<InputSpec> contentInputs() {
        return List.of(
                InputSpec.required("backup", InputType.PATH, "the backup, e.g. ${steps.ID.outputs.backup}"),
                InputSpec.optional("sha256", InputType.STRING, null,
                        "expected SHA-256 of the backup, e.g. ${steps.ID.outputs.sha256}; refused if it differs"));
    }

    @Override
    Desired desired(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        String backup = in.path("backup").toString();
        byte[] bytes = FileState.read(context.host(), backup);
        String actual = AtomicFiles.sha256(bytes);
        if (in.has("sha256") && !in.string("sha256").trim().equalsIgnoreCase(actual)) {
            throw new StepFailedException("input 'backup': " + backup + " has SHA-256 " + actual + ", not the expected "
                    + in.string("sha256").trim() + "; it is not the backup you meant, or it was altered");
        }
        return new Desired(bytes, "backup " + backup);
    }
}
