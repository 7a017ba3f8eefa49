package dev.cutover.cli;

import dev.cutover.lint.Lint;
import dev.cutover.runbook.Problem;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code validate --output json} prints, and {@code run}, {@code plan} and {@code rehearse} when a runbook
 * is refused before anything runs (docs/schemas/validate.schema.json): one of {@link Valid}, {@link Invalid}
 * (load problems) or {@link Refused} (change-safety lints).
 */
final class ValidationJson {
    private ValidationJson() {
    }

    /**
     * A valid runbook.
     *
     * @param steps        how many steps in all sections
     * @param allowedLints lints found but accepted with {@code --allow}
     */
    record Valid(boolean valid, String runbook, String sha256, int steps, List<LintJson> allowedLints,
                 @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                 List<Map<String, Object>> hosts) {
        Valid(String runbook, String sha256, int steps, List<LintJson> allowedLints, List<Map<String, Object>> hosts) {
            this(true, runbook, sha256, steps, allowedLints, hosts);
        }
    }

    /** A runbook, environment or parameters that could not be loaded: every problem at once. */
    record Invalid(boolean valid, String status, int exitCode, List<ProblemJson> problems) {
        Invalid(List<ProblemJson> problems) {
            this(false, "INVALID", 2, problems);
        }
    }

    /** A runbook that loads but that change-safety lints refuse. */
    record Refused(boolean valid, String status, int exitCode, List<LintJson> lints, List<LintJson> allowedLints) {
        Refused(List<LintJson> lints, List<LintJson> allowedLints) {
            this(false, "INVALID", 2, lints, allowedLints);
        }
    }

    /**
     * One load problem, where it is and what to do.
     *
     * @param file the file, or null when the problem is in no file (a {@code --set} value)
     * @param step the step id, or null
     * @param hint what to do, or null
     */
    record ProblemJson(Path file, int line, int column, String step, String message, String hint) {
        static ProblemJson of(Problem p) {
            return new ProblemJson(p.location().file(), p.location().line(), p.location().column(), p.stepId(),
                    p.message(), p.hint());
        }
    }

    /**
     * One change-safety lint (docs/lints.md).
     *
     * @param steps the steps it concerns
     * @param risk  what could go wrong
     * @param fix   what to do about it
     */
    record LintJson(String id, Path file, int line, int column, List<String> steps, String risk, String fix) {
        static LintJson of(Lint l) {
            return new LintJson(l.id(), l.location().file(), l.location().line(), l.location().column(), l.stepIds(),
                    l.risk(), l.fix());
        }
    }
}
