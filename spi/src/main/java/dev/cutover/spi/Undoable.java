package dev.cutover.spi;

/**
 * A change that can reverse itself from the intent journaled before it (its built-in undo), so a
 * runbook needs no {@code undo:} for it. The engine also calls it for a step that failed, timed out
 * or was interrupted after it may have changed something, when its probe cannot rule the change out.
 *
 * @since 0.2
 */
public interface Undoable extends Change {

    /**
     * Reverses the change recorded by {@code intent}. Must be safe to call when the change happened only
     * in part, or not at all (restore from the backup, then check).
     */
    StepResult undo(StepContext context, Intent intent) throws StepFailedException, InterruptedException;
}
