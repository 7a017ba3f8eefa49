package dev.cutover.file;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code file.write}: makes a file hold the given {@code content}, or a {@code template} file (on this
 * machine, relative to the runbook) whose {@code ${...}} references the engine resolves like any input.
 */
public final class WriteStep extends FileReplaceStep {

    @Override
    public String id() {
        return "file.write";
    }

    @Override
    public String description() {
        return "Write a file from content or a ${...} template, atomically, after a byte-exact backup; plan shows "
                + "a diff; undo restores the previous bytes, mode and owner (or deletes a new file).";
    }

    @Override
    List<InputSpec> contentInputs() {
        return List.of(
                InputSpec.optional("content", InputType.STRING, null, "the text to write (may hold secrets)"),
                InputSpec.optional("template", InputType.PATH, null,
                        "a template file, relative to the runbook; its ${...} are resolved like inputs"));
    }

    @Override
    public List<String> checkLiterals(Map<String, Object> rawWith) {
        List<String> problems = new ArrayList<>(super.checkLiterals(rawWith));
        if (rawWith.containsKey("content") == rawWith.containsKey("template")) {
            problems.add("give exactly one of inputs 'content' and 'template'");
        }
        return problems;
    }

    @Override
    Desired desired(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        if (in.has("content") == in.has("template")) {
            throw new StepFailedException("give exactly one of inputs 'content' and 'template'");
        }
        if (in.has("content")) {
            Object v = in.get("content");
            String text = v instanceof Secret s ? s.reveal() : String.valueOf(v);
            return new Desired(text.getBytes(StandardCharsets.UTF_8), "the given content");
        }
        Path template = in.path("template");
        String text;
        try {
            text = Files.readString(template, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StepFailedException("input 'template': cannot read " + template + ": "
                    + FileState.Messages.of(e));
        }
        Object resolved;
        try {
            resolved = context.interpolate(text);
        } catch (StepFailedException e) {
            throw new StepFailedException("template " + template + ": " + e.getMessage());
        }
        String content = resolved instanceof Secret s ? s.reveal() : String.valueOf(resolved);
        return new Desired(content.getBytes(StandardCharsets.UTF_8), "template " + template.getFileName());
    }
}
