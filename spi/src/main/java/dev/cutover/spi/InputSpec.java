package dev.cutover.spi;

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
 * @since 0.1
 */
public record InputSpec(String name, InputType type, boolean required, Object defaultValue, boolean secret,
                        boolean acceptsSecret, String description) {

    public InputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
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
        return new InputSpec(name, type, required, defaultValue, secret, false, description);
    }
}
