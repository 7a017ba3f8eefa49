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
 * @param blocks      the {@code hosts:} blocks of {@code steps}, in order (their steps are not in the section
 *                    lists above, which hold the global steps only)
 */
public record Runbook(String name, String description, Map<String, ParamSpec> params, List<StepDef> preflight,
                      List<StepDef> steps, List<StepDef> validate, List<StepDef> rollback, Path file,
                      String sha256, RunbookPolicy policy, List<HostBlock> blocks) {

    public Runbook {
        blocks = blocks == null ? List.of() : List.copyOf(blocks);
    }

    /** A runbook without {@code hosts:} blocks. */
    public Runbook(String name, String description, Map<String, ParamSpec> params, List<StepDef> preflight,
                   List<StepDef> steps, List<StepDef> validate, List<StepDef> rollback, Path file,
                   String sha256, RunbookPolicy policy) {
        this(name, description, params, preflight, steps, validate, rollback, file, sha256, policy, List.of());
    }

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

    /**
     * Every step, in the order a run reaches them: preflight (global, then each block's), the change with each
     * block's steps and validate checks where the block stands, validate, rollback.
     */
    public List<StepDef> allSteps() {
        List<StepDef> all = new ArrayList<>(preflight);
        blocks.forEach(b -> all.addAll(b.preflight()));
        for (int i = 0; i <= steps.size(); i++) {
            for (HostBlock b : blocks) {
                if (b.position() == i) {
                    all.addAll(b.steps());
                    all.addAll(b.validate());
                }
            }
            if (i < steps.size()) {
                all.add(steps.get(i));
            }
        }
        all.addAll(validate);
        all.addAll(rollback);
        return all;
    }

    /** The {@code hosts:} block a step belongs to, or empty for a global step. */
    public Optional<HostBlock> blockOf(String stepId) {
        return blocks.stream().filter(b -> b.has(stepId)).findFirst();
    }

    /** Whether the runbook runs steps on fleet hosts. */
    public boolean hasFleet() {
        return !blocks.isEmpty();
    }

    public Optional<StepDef> step(String id) {
        return allSteps().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The directory relative paths are resolved against. */
    public Path directory() {
        return file == null ? Path.of("").toAbsolutePath() : file.toAbsolutePath().getParent();
    }
}
