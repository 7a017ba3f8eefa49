package dev.cutover.run;

/** The outcome of one step (or undo) in a run. */
public enum StepStatus {
    SUCCEEDED, UNCHANGED, FAILED, SKIPPED, PLANNED, UNDONE, UNDO_FAILED, NOT_UNDONE
}
