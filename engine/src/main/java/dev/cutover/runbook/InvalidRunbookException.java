package dev.cutover.runbook;

import java.util.List;
import java.util.stream.Collectors;

/** A runbook, environment file or parameter set was rejected; carries every problem found. */
public final class InvalidRunbookException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    public InvalidRunbookException(List<Problem> problems) {
        super(problems.stream().map(Problem::render).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
