package dev.cutover.testkit;

import dev.cutover.journal.JournalEvent;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.Intent;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link StepTestKit} recorded for one apply or undo: outcome, outputs, the intent, and the
 * journal events it wrote.
 *
 * @param succeeded whether the step (or undo) succeeded
 * @param outputs   outputs, or outputs gathered before a failure; never null
 * @param error     the masked failure message, or null
 * @param intent    the journaled intent; {@link Intent#none()} for read-only steps
 * @param events    the journal events written, in order
 * @param journal   the journal file (for byte-level checks)
 * @since 0.1
 */
public record StepRecording(boolean succeeded, Map<String, Object> outputs, String error, Intent intent,
                            List<JournalEvent> events, Path journal, Masker masker) {

    /** Throws an AssertionError carrying the step's error when it failed. */
    public StepRecording assertSucceeded() {
        if (!succeeded) {
            throw new AssertionError("step failed: " + error);
        }
        return this;
    }

    /** Throws an AssertionError when the step succeeded. */
    public StepRecording assertFailed() {
        if (succeeded) {
            throw new AssertionError("step succeeded, expected a failure; outputs: " + outputs);
        }
        return this;
    }

    /** The names of the events written, in order. */
    public List<String> eventNames() {
        return events.stream().map(JournalEvent::event).toList();
    }

    /** One output, or null. */
    public Object output(String key) {
        return outputs.get(key);
    }
}
