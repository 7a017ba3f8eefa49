package dev.cutover.spi;

/**
 * The type of a step input or runbook parameter, used for load-time checks, the JSON Schema and docs.
 *
 * @since 0.1
 */
public enum InputType {
    STRING, INT, BOOL, PATH, DURATION, LIST, MAP, SECRET, ANY;

    /** The lower-case name used in runbooks and documentation. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
