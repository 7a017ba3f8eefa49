package com.example.cutover;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Check;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.OutputSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code example.file-contains}: a read-only check that a text file holds a line containing some
 * text (a configuration value, a marker a deploy writes). The example plugin of docs/plugins.md.
 */
public final class FileContainsStep implements Check {

    @Override
    public String id() {
        return "example.file-contains";
    }

    @Override
    public String description() {
        return "Check that a text file has a line containing some text; outputs the first such line number.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.required("path", InputType.PATH, "the file to read (relative to the runbook)"),
                InputSpec.required("text", InputType.STRING, "the text a line must contain"));
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(OutputSpec.integer("line", "the number of the first line that contains the text"));
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        return Plan.of("would check that " + context.inputs().path("path") + " contains '"
                + context.inputs().string("text") + "'");
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        Path file = context.inputs().path("path");
        String text = context.inputs().string("text");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StepFailedException("cannot read " + file + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                long line = i + 1;
                return StepResult.done(Map.of("line", line), file + ":" + line + " contains '" + text + "'");
            }
        }
        throw new StepFailedException("no line of " + file + " (" + lines.size() + " lines) contains '" + text + "'");
    }
}
