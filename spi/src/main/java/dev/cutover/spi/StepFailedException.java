package dev.cutover.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A step failed for a reason the operator should read: the message says what was wrong and,
 * where possible, what to do. It must never contain a secret.
 *
 * @since 0.1
 */
public class StepFailedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Map<String, Object> outputs;

    public StepFailedException(String message) {
        this(message, Map.of(), null);
    }

    public StepFailedException(String message, Throwable cause) {
        this(message, Map.of(), cause);
    }

    /** A failure that still produced outputs worth journaling (exit code, stderr tail, missing entries). */
    public StepFailedException(String message, Map<String, Object> outputs, Throwable cause) {
        super(message, cause);
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** Outputs gathered before the failure; never null. */
    public Map<String, Object> outputs() {
        return outputs;
    }
}
