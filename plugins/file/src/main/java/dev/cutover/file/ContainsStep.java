package dev.cutover.file;

import java.util.function.Predicate;

/** {@code file.contains} (read-only): a line of a text file contains a literal text, or none does. */
public final class ContainsStep extends SearchStep {

    @Override
    public String id() {
        return "file.contains";
    }

    @Override
    public String description() {
        return "Check that a line of a text file contains a literal text (present: false: that none does).";
    }

    @Override
    String patternInput() {
        return "text";
    }

    @Override
    String noun() {
        return "text";
    }

    @Override
    Predicate<String> matcher(String pattern) {
        return line -> line.contains(pattern);
    }
}
