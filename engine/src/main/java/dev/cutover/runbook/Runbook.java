package dev.cutover.runbook;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded, validated runbook.
 *
 * @param name        its id
 * @param description may be empty
 * @param params      declared parameters, in order
 * @param preflight   read-only checks
 * @param steps       the change
 * @param validate    read-only checks after the change
 * @param rollback    extra steps after undo
 * @param file        the source file (null for in-memory runbooks)
 * @param sha256      SHA-256 of the file's bytes
 * @param policy      lock, change windows, rollback window
 */
public record Runbook(String name, String description, Map<String, ParamSpec> params, List<StepDef> preflight,
                      List<StepDef> steps, List<StepDef> validate, List<StepDef> rollback, Path file,
                      String sha256, RunbookPolicy policy) {

    /** A runbook without operational rules. */
    public Runbook(String name, String description, Map<String, ParamSpec> params, List<StepDef> preflight,
                   List<StepDef> steps, List<StepDef> validate, List<StepDef> rollback, Path file, String sha256) {
        this(name, description, params, preflight, steps, validate, rollback, file, sha256, RunbookPolicy.NONE);
    }

    /** Every step of a section. */
    public List<StepDef> section(Section s) {
        return switch (s) {
            case PREFLIGHT -> preflight;
            case STEPS -> steps;
            case VALIDATE -> validate;
            case ROLLBACK -> rollback;
        };
    }

    /** Every step, in section order. */
    public List<StepDef> allSteps() {
        List<StepDef> all = new ArrayList<>();
        for (Section s : Section.values()) {
            all.addAll(section(s));
        }
        return all;
    }

    public Optional<StepDef> step(String id) {
        return allSteps().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The directory relative paths are resolved against. */
    public Path directory() {
        return file == null ? Path.of("").toAbsolutePath() : file.toAbsolutePath().getParent();
    }
}
