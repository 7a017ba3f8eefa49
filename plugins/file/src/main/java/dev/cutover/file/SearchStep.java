package dev.cutover.file;

import dev.cutover.spi.Check;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Plan;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What {@code file.contains} (a literal) and {@code file.matches} (a regular expression) share: read a text
 * file on the step's host line by line and require that some line has the pattern ({@code present: true}) or
 * that none has it ({@code present: false}).
 */
abstract class SearchStep implements Check {

    /** The name of the input holding the pattern ({@code text} or {@code regex}). */
    abstract String patternInput();

    /** How a line is tested, and how the pattern is named in messages. */
    abstract Predicate<String> matcher(String pattern) throws StepFailedException;

    abstract String noun();

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.required("path", InputType.PATH, "the text file to read, on the step's host"),
                InputSpec.required(patternInput(), InputType.STRING, "the " + noun() + " a line must have"),
                InputSpec.optional("present", InputType.BOOL, true,
                        "true: some line must have it; false: no line may have it"));
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("path", "the file read"),
                OutputSpec.string("sha256", "SHA-256 of the file read (a fact drift and rehearse compare)"),
                OutputSpec.bool("found", "whether some line has it"),
                OutputSpec.integer("count", "how many lines have it"),
                OutputSpec.integer("line", "the number of the first line that has it (0: none)"));
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        return Plan.of("would check that " + FileReplaceStep.path(context)
                + (context.inputs().bool("present") ? " has " : " has no ") + noun() + " '"
                + context.mask(pattern(context)) + "'");
    }

    private String pattern(StepContext context) throws StepFailedException {
        Object v = context.inputs().get(patternInput());
        if (v == null) {
            throw new StepFailedException("input '" + patternInput() + "' is required");
        }
        return v instanceof Secret s ? s.reveal() : v.toString();
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        String path = FileReplaceStep.path(context);
        String pattern = pattern(context);
        boolean present = context.inputs().bool("present");
        Predicate<String> test = matcher(pattern);
        byte[] bytes = FileState.read(context.host(), path);
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        long count = 0;
        long first = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (test.test(lines.get(i))) {
                count++;
                first = first == 0 ? i + 1 : first;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", path);
        out.put("sha256", dev.cutover.spi.AtomicFiles.sha256(bytes));
        out.put("found", count > 0);
        out.put("count", count);
        out.put("line", first);
        String shown = context.mask(pattern);
        if (present && count == 0) {
            throw new StepFailedException("no line of " + path + " (" + lines.size() + " lines) has " + noun() + " '"
                    + shown + "'", out, null);
        }
        if (!present && count > 0) {
            throw new StepFailedException(path + ":" + first + " has " + noun() + " '" + shown + "'"
                    + (count > 1 ? " (and " + (count - 1) + " more lines)" : "") + ", which must be absent", out, null);
        }
        return StepResult.done(out, present ? path + ":" + first + " has " + noun() + " '" + shown + "'"
                : "no line of " + path + " has " + noun() + " '" + shown + "'");
    }
}
