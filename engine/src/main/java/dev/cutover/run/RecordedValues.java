package dev.cutover.run;

import dev.cutover.spi.Secret;
import dev.cutover.spi.StepFailedException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolved inputs as the journal records them for a later undo: exact values (a path that contains a
 * word equal to a secret stays that path), and each secret as a reference to where it came from
 * ({@code {"$secret": "${params.store_password}"}}), resolved again from the operator's secrets when the
 * values are used. The journal never holds a secret, and rollback uses the values of the run it undoes.
 */
final class RecordedValues {
    static final String SECRET_REF = "$secret";

    private RecordedValues() {
    }

    /** {@code resolved} with every {@link Secret} replaced by a reference to its template in {@code raw}. */
    static Object encode(Object resolved, Object raw) {
        if (resolved instanceof Secret) {
            return Map.of(SECRET_REF, raw instanceof String s ? s : "");
        }
        if (resolved instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), encode(v, raw instanceof Map<?, ?> rm ? rm.get(k) : null)));
            return out;
        }
        if (resolved instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                Object r = raw instanceof List<?> rl && i < rl.size() ? rl.get(i) : null;
                out.add(encode(l.get(i), r));
            }
            return out;
        }
        return resolved;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> encodeMap(Map<String, Object> resolved, Map<String, Object> raw) {
        return (Map<String, Object>) encode(resolved, raw);
    }

    /** {@code value} with every {@link Secret} replaced by {@code ***} and nothing else changed. */
    static Object secretsMasked(Object value) {
        if (value instanceof Secret) {
            return Secret.MASK;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), secretsMasked(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(secretsMasked(v)));
            return out;
        }
        return value;
    }

    /** The recorded values with each secret reference resolved by {@code current}. */
    static Object decode(Object recorded, Interpolator current) throws StepFailedException {
        if (recorded instanceof Map<?, ?> m) {
            if (m.size() == 1 && m.containsKey(SECRET_REF)) {
                Object template = m.get(SECRET_REF);
                Object v = template instanceof String s && !s.isEmpty() ? current.resolve(s) : null;
                if (!(v instanceof Secret) && !(v instanceof String)) {
                    throw new StepFailedException("a secret the undo needs (" + template + ") cannot be resolved "
                            + "again; give the same secret params as the original run");
                }
                return v instanceof Secret ? v : new Secret((String) v);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), decode(e.getValue(), current));
            }
            return out;
        }
        if (recorded instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(decode(o, current));
            }
            return out;
        }
        return recorded;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> decodeMap(Object recorded, Interpolator current) throws StepFailedException {
        return recorded instanceof Map<?, ?> ? (Map<String, Object>) decode(recorded, current) : Map.of();
    }
}
