package dev.cutover.secrets;

import dev.cutover.spi.Secret;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Replaces every known secret value with {@code ***} in text and in JSON-friendly structures.
 * One masker per run; every path to the journal, console, logs and reports goes through it.
 */
public final class Masker {
    private static final Masker GLOBAL = new Masker();
    private final Set<String> values = new CopyOnWriteArraySet<>();

    /** The process-wide masker, also used by the logging layer. */
    public static Masker global() {
        return GLOBAL;
    }

    /** Registers a secret value; values shorter than 3 characters are masked too, but only as whole strings. */
    public void register(String secret) {
        if (secret != null && !secret.isEmpty()) {
            values.add(secret);
            if (this != GLOBAL) {
                GLOBAL.register(secret);
            }
        }
    }

    public void register(Secret secret) {
        register(secret.reveal());
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The text with every registered secret replaced. Longest secrets first, so overlapping ones mask fully. */
    public String mask(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        String out = text;
        for (String s : sorted) {
            if (s.length() < 3) {
                if (out.equals(s)) {
                    return Secret.MASK;
                }
                continue;
            }
            out = out.replace(s, Secret.MASK);
        }
        return out;
    }

    /** A deep copy of a JSON-friendly value with secrets masked and {@link Secret}s replaced by {@code ***}. */
    public Object maskValue(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Secret) {
            return Secret.MASK;
        }
        if (value instanceof String s) {
            return mask(s);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(mask(String.valueOf(k)), maskValue(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(maskValue(v)));
            return out;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return mask(value.toString());
    }
}
