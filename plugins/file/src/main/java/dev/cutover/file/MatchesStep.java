package dev.cutover.file;

import dev.cutover.spi.StepFailedException;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code file.matches} (read-only): a line of a text file matches a regular expression, or none does. */
public final class MatchesStep extends SearchStep {

    @Override
    public String id() {
        return "file.matches";
    }

    @Override
    public String description() {
        return "Check that a line of a text file matches a regular expression (Java syntax, found anywhere in the "
                + "line; anchor with ^ and $); present: false: that none does.";
    }

    @Override
    String patternInput() {
        return "regex";
    }

    @Override
    String noun() {
        return "a match for";
    }

    @Override
    public List<String> checkLiterals(Map<String, Object> rawWith) {
        Object regex = rawWith.get("regex");
        if (regex != null && !regex.toString().contains("${")) {
            try {
                Pattern.compile(regex.toString());
            } catch (PatternSyntaxException e) {
                return List.of("input 'regex': '" + regex + "' is not a regular expression: " + e.getDescription());
            }
        }
        return List.of();
    }

    @Override
    Predicate<String> matcher(String pattern) throws StepFailedException {
        try {
            Pattern p = Pattern.compile(pattern);
            return line -> p.matcher(line).find();
        } catch (PatternSyntaxException e) {
            throw new StepFailedException("input 'regex': not a regular expression: " + e.getDescription());
        }
    }
}
