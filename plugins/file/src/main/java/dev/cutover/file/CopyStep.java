package dev.cutover.file;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;

import java.util.List;

/** {@code file.copy}: makes a file a byte-exact copy of another file on the same host, with undo. */
public final class CopyStep extends FileReplaceStep {

    @Override
    public String id() {
        return "file.copy";
    }

    @Override
    public String description() {
        return "Copy a file over another on the step's host, atomically, after a byte-exact backup; undo restores "
                + "the previous bytes, mode and owner (or deletes a new file).";
    }

    @Override
    List<InputSpec> contentInputs() {
        return List.of(InputSpec.required("source", InputType.PATH, "the file to copy, on the step's host"));
    }

    @Override
    Desired desired(StepContext context) throws StepFailedException {
        String source = context.inputs().path("source").toString();
        return new Desired(FileState.read(context.host(), source), source);
    }
}
