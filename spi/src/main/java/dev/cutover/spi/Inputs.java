package dev.cutover.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A step's resolved inputs with typed accessors. Accessors throw {@link StepFailedException}
 * naming the input when a value has the wrong type or a required one is missing.
 *
 * @since 0.1
 */
public final class Inputs {
    private final Map<String, Object> values;
    private final Path baseDirectory;

    /**
     * @param values        resolved values (strings, numbers, booleans, lists, maps, {@link Secret}s)
     * @param baseDirectory the directory relative paths are resolved against (the runbook's)
     */
    public Inputs(Map<String, Object> values, Path baseDirectory) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.baseDirectory = baseDirectory;
    }

    /**
     * A step's inputs with the declared defaults filled in where a value is missing: the one place defaults
     * apply (runs, undos, probes, polls and the test kit).
     */
    public static Map<String, Object> withDefaults(List<InputSpec> specs, Map<String, Object> resolved) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (InputSpec spec : specs) {
            if (spec.defaultValue() != null) {
                out.put(spec.name(), spec.defaultValue());
            }
        }
        out.putAll(resolved);
        return out;
    }

    /** All values, secrets as {@link Secret}. */
    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String name) {
        return values.get(name) != null;
    }

    /** The raw value, or null. */
    public Object get(String name) {
        return values.get(name);
    }

    public String string(String name) throws StepFailedException {
        Object v = require(name);
        if (v instanceof Secret) {
            throw new StepFailedException("input '" + name + "' is a secret; it cannot be used as plain text");
        }
        if (v instanceof Map || v instanceof List) {
            throw new StepFailedException("input '" + name + "' must be a string, got " + kind(v));
        }
        return v.toString();
    }

    public Optional<String> optionalString(String name) throws StepFailedException {
        return has(name) ? Optional.of(string(name)) : Optional.empty();
    }

    /** An integer: a whole number, bare or quoted ({@link Values#toLong}). */
    public long integer(String name) throws StepFailedException {
        Object v = require(name);
        try {
            return Values.toLong(v);
        } catch (IllegalArgumentException e) {
            throw new StepFailedException("input '" + name + "' must be an integer: " + e.getMessage());
        }
    }

    /** A boolean: true or false only, bare or quoted, any case ({@link Values}: yes/no/on/off are refused). */
    public boolean bool(String name) throws StepFailedException {
        Object v = require(name);
        try {
            return Values.toBoolean(v);
        } catch (IllegalArgumentException e) {
            throw new StepFailedException("input '" + name + "': " + e.getMessage());
        }
    }

    public boolean bool(String name, boolean fallback) throws StepFailedException {
        return has(name) ? bool(name) : fallback;
    }

    public Duration duration(String name) throws StepFailedException {
        Object v = require(name);
        try {
            return Durations.parse(v.toString());
        } catch (IllegalArgumentException e) {
            throw new StepFailedException("input '" + name + "': " + e.getMessage());
        }
    }

    /** A path; relative paths are resolved against the runbook's directory. */
    public Path path(String name) throws StepFailedException {
        Path p = Path.of(string(name));
        return p.isAbsolute() || baseDirectory == null ? p : baseDirectory.resolve(p).normalize();
    }

    public Optional<Path> optionalPath(String name) throws StepFailedException {
        return has(name) ? Optional.of(path(name)) : Optional.empty();
    }

    /** A secret; a plain string given where a secret is expected is accepted and wrapped. */
    public Secret secret(String name) throws StepFailedException {
        Object v = require(name);
        return v instanceof Secret s ? s : new Secret(v.toString());
    }

    public Optional<Secret> optionalSecret(String name) throws StepFailedException {
        return has(name) ? Optional.of(secret(name)) : Optional.empty();
    }

    public List<Object> list(String name) throws StepFailedException {
        Object v = require(name);
        if (v instanceof List<?> l) {
            return Collections.unmodifiableList(new ArrayList<>(l));
        }
        return List.of(v);
    }

    /** A list of strings; a single scalar counts as a one-element list. Secrets are refused. */
    public List<String> stringList(String name) throws StepFailedException {
        List<String> out = new ArrayList<>();
        for (Object o : list(name)) {
            if (o instanceof Secret) {
                throw new StepFailedException("input '" + name + "' contains a secret; pass secrets through env instead");
            }
            out.add(String.valueOf(o));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String name) throws StepFailedException {
        Object v = require(name);
        if (v instanceof Map<?, ?> m) {
            return Collections.unmodifiableMap((Map<String, Object>) m);
        }
        throw new StepFailedException("input '" + name + "' must be a map, got " + kind(v));
    }

    private Object require(String name) throws StepFailedException {
        Object v = values.get(name);
        if (v == null) {
            throw new StepFailedException("input '" + name + "' is required");
        }
        return v;
    }

    private static String kind(Object v) {
        if (v instanceof Map) {
            return "a map";
        }
        if (v instanceof List) {
            return "a list";
        }
        return "'" + v + "'";
    }
}
