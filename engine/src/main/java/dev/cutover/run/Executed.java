package dev.cutover.run;

import dev.cutover.runbook.StepDef;
import dev.cutover.spi.Intent;
import dev.cutover.spi.StepType;

import java.util.Map;

/**
 * What one executed step left behind, for undo, resume and later references.
 *
 * @param step           the step as written
 * @param type           its type
 * @param outcome        how it ended
 * @param intent         what its prepare recorded ({@link Intent#none()} for checks)
 * @param inputs         its resolved inputs, secrets as {@link dev.cutover.spi.Secret}
 * @param undoInputs     a runbook {@code undo:}'s inputs, resolved when the intent was journaled; null without one
 * @param mutating       whether it is a change
 * @param intentRecorded whether its intent reached the journal (so it may have changed something)
 * @param mayHaveChanged whether it must be undone: it succeeded, or it failed after its intent was recorded
 *                       and its probe could not rule a change out
 * @param refused        whether people refused it (an approval)
 */
record Executed(StepDef step, StepType type, StepOutcome outcome, Intent intent, Map<String, Object> inputs,
                Map<String, Object> undoInputs, boolean mutating, boolean intentRecorded, boolean mayHaveChanged,
                boolean refused) {
}
