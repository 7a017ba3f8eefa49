package dev.cutover.runbook;

import dev.cutover.spi.InputType;

/**
 * A runbook parameter.
 *
 * @param name         the key under {@code params:}
 * @param type         string, int, bool, path, secret, list
 * @param required     whether a value must be supplied
 * @param defaultValue may be null
 * @param description  may be empty
 * @param from         {@code env:NAME}, {@code file:PATH} or another secret source; may be null
 * @param location     where it is declared
 */
public record ParamSpec(String name, InputType type, boolean required, Object defaultValue, String description,
                        String from, Location location) {
}
