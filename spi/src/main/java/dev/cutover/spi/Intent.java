package dev.cutover.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a mutating step records before it changes anything: the data its undo and probe will need
 * (backup path and checksum, previous value). Journaled and fsync'd before {@link StepType#apply}.
 * Values must be JSON-friendly (strings, numbers, booleans, lists, maps) and never secrets.
 *
 * @param data never null
 * @since 0.1
 */
public record Intent(Map<String, Object> data) {

    public Intent {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** No data: nothing for undo to use beyond the step's inputs. */
    public static Intent none() {
        return new Intent(Map.of());
    }

    /** An intent with the given key/value pairs. */
    public static Intent of(Map<String, Object> data) {
        return new Intent(data);
    }

    /** A string value, or null when absent. */
    public String string(String key) {
        Object v = data.get(key);
        return v == null ? null : v.toString();
    }
}
