package dev.cutover.drift;

import java.util.Map;

/**
 * One fact that is not the same everywhere.
 *
 * @param key      the fact's key ({@code step}, {@code step.output}, {@code step.entries[label]})
 * @param values   by environment, in order; null where the fact is absent
 * @param sentence the difference in plain words ("prod truststore lacks 'X' that staging has")
 */
public record Difference(String key, Map<String, String> values, String sentence) {
}
