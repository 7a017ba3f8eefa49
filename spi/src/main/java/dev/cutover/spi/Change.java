package dev.cutover.spi;

import java.util.Map;

/**
 * A step type that changes the system. It runs in two phases so that the journal holds what undo
 * needs before anything changes: {@link #prepare} (take a backup, read the previous value; no change
 * yet) returns an {@link Intent}, which the engine writes to the journal and fsyncs, and only then
 * {@link #apply} makes the change. A change that can reverse itself also implements {@link Undoable};
 * one that can tell whether it took effect implements {@link Probeable}.
 *
 * @since 0.2
 */
public interface Change extends StepType {

    /**
     * For a type that is also a {@link Check}: whether this step (raw, uninterpolated inputs) only reads,
     * e.g. {@code shell.exec} with {@code readonly: true}. False by default: a change changes.
     */
    @Override
    default boolean readOnly(Map<String, Object> rawWith) {
        return false;
    }

    /**
     * Gathers what undo will need (a backup, a previous value) before anything changes. The engine
     * journals the returned intent durably, then calls {@link #apply}. Must not change the system
     * except to create backups.
     */
    default Intent prepare(StepContext context) throws StepFailedException, InterruptedException {
        return Intent.none();
    }

    /**
     * Makes the change. A step that finds the system already in the desired state returns
     * {@link StepResult#unchanged}.
     *
     * @param intent what {@link #prepare} returned
     * @throws StepFailedException with an operator-facing message when the step fails
     */
    StepResult apply(StepContext context, Intent intent) throws StepFailedException, InterruptedException;
}
