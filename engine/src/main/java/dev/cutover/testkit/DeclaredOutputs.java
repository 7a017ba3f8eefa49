package dev.cutover.testkit;

import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.StepType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a step type's declared outputs ({@link StepType#outputs()}) against what one real run produced,
 * so a declaration cannot go stale: every key produced is declared with a matching JSON type, and every
 * declared key is produced unless the test names it as one that may be absent on this path.
 *
 * <pre>{@code
 * StepRecording r = StepTestKit.of(type).with("command", List.of("true")).apply();
 * DeclaredOutputs.assertMatch(type, r, "json");   // json only with parse: json
 * }</pre>
 *
 * @since 0.2
 */
public final class DeclaredOutputs {
    private static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "list", "map", "any");

    private DeclaredOutputs() {
    }

    /**
     * Throws an AssertionError listing every mismatch between {@code type}'s declared outputs and the
     * outputs of {@code recording}, which must have succeeded.
     *
     * @param mayBeAbsent declared outputs this run is allowed not to produce (documented as conditional)
     * @return the recording, for chaining
     */
    public static StepRecording assertMatch(StepType type, StepRecording recording, String... mayBeAbsent) {
        recording.assertSucceeded();
        List<String> wrong = mismatches(type, recording.outputs(), Set.of(mayBeAbsent));
        if (!wrong.isEmpty()) {
            throw new AssertionError(type.id() + ": declared outputs and produced outputs differ:\n  - "
                    + String.join("\n  - ", wrong) + "\nproduced: " + recording.outputs().keySet());
        }
        return recording;
    }

    /** What differs between the declared outputs and {@code produced}; empty when they match. */
    static List<String> mismatches(StepType type, Map<String, Object> produced, Set<String> mayBeAbsent) {
        List<String> wrong = new ArrayList<>();
        Map<String, OutputSpec> declared = new LinkedHashMap<>();
        for (OutputSpec o : type.outputs()) {
            if (declared.put(o.name(), o) != null) {
                wrong.add("output '" + o.name() + "' is declared twice");
            }
            if (!TYPES.contains(o.type())) {
                wrong.add("output '" + o.name() + "' has type '" + o.type() + "'; use one of " + TYPES);
            }
            if (o.description().isBlank()) {
                wrong.add("output '" + o.name() + "' has no description");
            }
        }
        for (String name : mayBeAbsent) {
            if (!declared.containsKey(name)) {
                wrong.add("'" + name + "' is allowed to be absent but is not declared at all");
            }
        }
        for (Map.Entry<String, Object> e : produced.entrySet()) {
            OutputSpec o = declared.get(e.getKey());
            if (o == null) {
                wrong.add("output '" + e.getKey() + "' is produced but not declared: add it to outputs()");
            } else if (!fits(o.type(), e.getValue())) {
                wrong.add("output '" + e.getKey() + "' is declared " + o.type() + " but is "
                        + e.getValue().getClass().getSimpleName() + " (" + e.getValue() + ")");
            }
        }
        for (String name : declared.keySet()) {
            if (!produced.containsKey(name) && !mayBeAbsent.contains(name)) {
                wrong.add("output '" + name + "' is declared but was not produced");
            }
        }
        return wrong;
    }

    /** Whether a value has the declared JSON type; null fits any type (AWS leaves fields unset). */
    private static boolean fits(String type, Object v) {
        if (v == null) {
            return true;
        }
        return switch (type) {
            case "string" -> v instanceof CharSequence;
            case "integer" -> v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                    || v instanceof BigInteger;
            case "number" -> v instanceof Number || v instanceof BigDecimal;
            case "boolean" -> v instanceof Boolean;
            case "list" -> v instanceof List;
            case "map" -> v instanceof Map;
            default -> true;
        };
    }
}
