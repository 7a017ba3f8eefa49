package dev.cutover.runbook;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code hosts:} item of a runbook's {@code steps}: steps that run on each host the inventory names,
 * in rolling batches. Its preflight checks run on every host in the run's preflight, before anything
 * changes anywhere; its steps run host by host within a batch; its validate checks run on each host of a
 * batch after the batch.
 *
 * @param id        the block's id (given, or {@code hosts-N} by position)
 * @param hosts     inventory groups or host names ({@code all}: every host), as written
 * @param rolling   how it rolls out
 * @param preflight read-only checks per host
 * @param steps     the change per host
 * @param validate  read-only checks per host after its batch
 * @param position  how many global steps of {@code steps} come before it
 * @param location  where it is declared
 */
public record HostBlock(String id, List<String> hosts, Rolling rolling, List<StepDef> preflight, List<StepDef> steps,
                        List<StepDef> validate, int position, Location location) {

    public HostBlock {
        hosts = List.copyOf(hosts);
        preflight = List.copyOf(preflight);
        steps = List.copyOf(steps);
        validate = List.copyOf(validate);
    }

    /** Every step of the block: preflight, steps, validate. */
    public List<StepDef> allSteps() {
        List<StepDef> all = new ArrayList<>(preflight);
        all.addAll(steps);
        all.addAll(validate);
        return all;
    }

    /** A section of the block. */
    public List<StepDef> section(Section s) {
        return switch (s) {
            case PREFLIGHT -> preflight;
            case STEPS -> steps;
            case VALIDATE -> validate;
            case ROLLBACK -> List.of();
        };
    }

    /** Whether a step (by id) is one of this block's. */
    public boolean has(String stepId) {
        return allSteps().stream().anyMatch(s -> s.id().equals(stepId));
    }
}
