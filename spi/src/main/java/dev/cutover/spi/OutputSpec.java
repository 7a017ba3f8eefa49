package dev.cutover.spi;

import java.util.Objects;

/**
 * One output a step type produces, readable as {@code ${steps.ID.outputs.NAME}}.
 *
 * @param name        the key; never null
 * @param type        its JSON type: string, integer, number, boolean, list or map, or any (a parsed document
 *                    whose shape the step cannot know); never null
 * @param description one line for docs and {@code cutover steps}; never null
 * @since 0.2
 */
public record OutputSpec(String name, String type, String description) {

    public OutputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
    }

    public static OutputSpec string(String name, String description) {
        return new OutputSpec(name, "string", description);
    }

    public static OutputSpec integer(String name, String description) {
        return new OutputSpec(name, "integer", description);
    }

    public static OutputSpec bool(String name, String description) {
        return new OutputSpec(name, "boolean", description);
    }

    public static OutputSpec list(String name, String description) {
        return new OutputSpec(name, "list", description);
    }

    public static OutputSpec map(String name, String description) {
        return new OutputSpec(name, "map", description);
    }

    /** An output of any JSON type (e.g. a parsed document); references may go below it freely. */
    public static OutputSpec any(String name, String description) {
        return new OutputSpec(name, "any", description);
    }
}
