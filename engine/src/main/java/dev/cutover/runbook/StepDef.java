package dev.cutover.runbook;

import java.time.Duration;
import java.util.Map;

/**
 * One step as written in a runbook.
 *
 * @param id          unique within the runbook
 * @param uses        the step type id
 * @param description may be empty
 * @param with        raw inputs, interpolated when the step runs
 * @param timeout     may be null
 * @param retry       never null
 * @param when        a condition expression, or null
 * @param undo        explicit undo, or null
 * @param noUndo      the stated reason a mutating step has no undo, or null
 * @param probe       a read-only step deciding after a crash whether this one took effect, or null
 * @param fact        whether drift and rehearsals treat this step's outputs as facts
 * @param section     where it appears
 * @param location    where it is declared
 * @param traits      what the runbook declares this step does, e.g. {@code restarts:payment-service},
 *                    {@code changes:truststore} (for steps whose type cannot know, such as shell.exec)
 * @param revalidate  for a validate step: it is a health check that must also pass after a rollback (it
 *                    checks that the system works, not that the change is in place)
 */
public record StepDef(String id, String uses, String description, Map<String, Object> with, Duration timeout,
                      RetryPolicy retry, String when, UndoDef undo, String noUndo, UndoDef probe, boolean fact,
                      Section section, Location location, java.util.Set<String> traits, boolean revalidate) {

    public StepDef {
        traits = traits == null ? java.util.Set.of() : java.util.Set.copyOf(traits);
    }

    /** A step that is not a re-validation health check. */
    public StepDef(String id, String uses, String description, Map<String, Object> with, Duration timeout,
                   RetryPolicy retry, String when, UndoDef undo, String noUndo, UndoDef probe, boolean fact,
                   Section section, Location location, java.util.Set<String> traits) {
        this(id, uses, description, with, timeout, retry, when, undo, noUndo, probe, fact, section, location,
                traits, false);
    }

    /** A step without declared traits. */
    public StepDef(String id, String uses, String description, Map<String, Object> with, Duration timeout,
                   RetryPolicy retry, String when, UndoDef undo, String noUndo, UndoDef probe, boolean fact,
                   Section section, Location location) {
        this(id, uses, description, with, timeout, retry, when, undo, noUndo, probe, fact, section, location,
                java.util.Set.of(), false);
    }
}
