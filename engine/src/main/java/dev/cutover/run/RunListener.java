package dev.cutover.run;

/** Receives a run's progress, for the operator's console. Every method has a do-nothing default. */
public interface RunListener {
    RunListener NONE = new RunListener() { };

    default void runStarted(String runId, String runbook, boolean dryRun) {
    }

    default void sectionStarted(String section) {
    }

    default void stepStarted(String section, String stepId, int attempt) {
    }

    default void stepFinished(String section, StepOutcome outcome) {
    }

    default void note(String stepId, String message) {
    }

    default void planned(String section, String stepId, String summary, java.util.List<String> changes) {
    }

    default void runFinished(RunOutcome outcome) {
    }

    /** A step, undo or check of a fleet host finished (by default shown like any step). */
    default void hostStepFinished(String host, String section, StepOutcome outcome) {
        stepFinished(section, outcome);
    }

    /** A progress note about a step of a fleet host. */
    default void hostNote(String host, String stepId, String message) {
        note(stepId, "[" + host + "] " + message);
    }

    /**
     * A batch of a {@code hosts:} block starts.
     *
     * @param index  1-based
     * @param canary whether it is the canary batch
     */
    default void batchStarted(String block, int index, int of, java.util.List<String> hosts, boolean canary) {
        sectionStarted(block + ": batch " + index + "/" + of + (canary ? " (canary)" : "") + " " + hosts);
    }
}
