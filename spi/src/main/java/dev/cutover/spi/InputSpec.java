package dev.cutover.spi;

import java.util.List;
import java.util.Objects;

/**
 * One input a step type accepts under {@code with:}.
 *
 * @param name         the key in {@code with:}; never null
 * @param type         its type; never null
 * @param required     whether a step must give it
 * @param defaultValue the value used when it is absent; may be null
 * @param secret       whether values are masked wherever they could appear
 * @param acceptsSecret whether a secret parameter may be interpolated into it; false for inputs that end
 *                     up somewhere visible to other users, such as a child process's argv
 * @param description  one line for docs and {@code cutover steps}
 * @param values       the only values a literal may take (checked when the runbook loads, offered by editors
 *                     through {@code cutover schema}); empty when any value of the type is accepted. Since 0.3.
 * @since 0.1
 */
public record InputSpec(String name, InputType type, boolean required, Object defaultValue, boolean secret,
                        boolean acceptsSecret, String description, List<Object> values) {

    public InputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
        values = values == null ? List.of() : List.copyOf(values);
    }

    /** An input whose literal may take any value of its type. */
    public InputSpec(String name, InputType type, boolean required, Object defaultValue, boolean secret,
                     boolean acceptsSecret, String description) {
        this(name, type, required, defaultValue, secret, acceptsSecret, description, List.of());
    }

    /** A required input. */
    public static InputSpec required(String name, InputType type, String description) {
        return new InputSpec(name, type, true, null, type == InputType.SECRET, true, description);
    }

    /** An optional input with a default (which may be null). */
    public static InputSpec optional(String name, InputType type, Object defaultValue, String description) {
        return new InputSpec(name, type, false, defaultValue, type == InputType.SECRET, true, description);
    }

    /** A copy of this input that refuses interpolated secrets (for argv and similar). */
    public InputSpec refusingSecrets() {
        return new InputSpec(name, type, required, defaultValue, secret, false, description, values);
    }

    /**
     * A copy of this input whose literal must be one of {@code allowed} (a {@code ${...}} reference is
     * checked when the step runs instead).
     *
     * @since 0.3
     */
    public InputSpec oneOf(Object... allowed) {
        return new InputSpec(name, type, required, defaultValue, secret, acceptsSecret, description,
                List.of(allowed));
    }
}
