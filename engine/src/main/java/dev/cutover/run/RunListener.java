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
}
