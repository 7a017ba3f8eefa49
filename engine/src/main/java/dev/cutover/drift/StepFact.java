package dev.cutover.drift;

import java.util.Map;

/**
 * What one read-only step reported in one environment.
 *
 * @param stepId  the step id
 * @param status  {@code ok}, {@code failed} or {@code skipped}
 * @param message the step's error or note; may be empty, never null; masked
 * @param outputs the step's (masked) outputs; never null
 */
public record StepFact(String stepId, String status, String message, Map<String, Object> outputs) {
    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    public StepFact {
        message = message == null ? "" : message;
        outputs = outputs == null ? Map.of() : outputs;
    }

    /**
     * Whether this step yielded facts. A check that ran and found something wrong fails with outputs
     * (missing certificates, an exit code) and still counts; a step that failed without any output
     * (file unreadable, host unreachable) means the facts could not be gathered.
     */
    public boolean gathered() {
        return !FAILED.equals(status) || !outputs.isEmpty();
    }
}
