package dev.cutover.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of a step that did not fail: its outputs, and whether it changed anything.
 * "Already in the desired state" is a value ({@link #unchanged}), not an exception, and is journaled.
 *
 * @param outputs  JSON-friendly values other steps can read as {@code ${steps.ID.outputs.KEY}}; never null
 * @param changed  false when the step found nothing to do
 * @param message  a short operator-facing note; may be empty, never null
 * @since 0.1
 */
public record StepResult(Map<String, Object> outputs, boolean changed, String message) {

    public StepResult {
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        message = message == null ? "" : message;
    }

    public static StepResult done(Map<String, Object> outputs) {
        return new StepResult(outputs, true, "");
    }

    public static StepResult done(Map<String, Object> outputs, String message) {
        return new StepResult(outputs, true, message);
    }

    /** Nothing needed doing; {@code reason} says why ("alias already present"). */
    public static StepResult unchanged(String reason, Map<String, Object> outputs) {
        return new StepResult(outputs, false, reason);
    }
}
