package dev.cutover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.StepType;
import dev.cutover.spi.Traits;
import dev.cutover.spi.Undoable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The example runbook {@code cutover steps TYPE} prints: the smallest runbook using one step of the type,
 * which {@code cutover validate} accepts. Curated for some types (step-examples.yaml), else built from the
 * type's required inputs.
 */
final class StepExample {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z/][A-Za-z0-9_./-]*");
    private static final List<String> YAML_WORDS = List.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");
    private static final Map<String, Map<String, Object>> CURATED = load();

    private StepExample() {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> load() {
        try (InputStream in = StepExample.class.getResourceAsStream("step-examples.yaml")) {
            return in == null ? Map.of() : new YAMLMapper().readValue(in, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("step-examples.yaml in the cutover jar is broken", e);
        }
    }

    /** The example runbook, as YAML text. */
    @SuppressWarnings("unchecked")
    static String of(StepType type) {
        Map<String, Object> curated = CURATED.getOrDefault(type.id(), Map.of());
        Map<String, Object> params = new LinkedHashMap<>((Map<String, Object>) curated.getOrDefault("params", Map.of()));
        Map<String, Object> with = new LinkedHashMap<>();
        if (curated.containsKey("with")) {
            with.putAll((Map<String, Object>) curated.get("with"));
        } else {
            for (InputSpec i : type.inputs()) {
                if (i.required()) {
                    with.put(i.name(), placeholder(i, params));
                }
            }
        }
        boolean readOnly = type.readOnly(with);
        boolean gate = type.traits().contains(Traits.GATE);
        String id = type.id().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        StringBuilder y = new StringBuilder();
        y.append("apiVersion: cutover/v1\n");
        y.append("name: example-").append(id).append('\n');
        y.append("description: One ").append(type.id()).append(" step.\n");
        if (!params.isEmpty()) {
            y.append("params:\n");
            for (Map.Entry<String, Object> p : params.entrySet()) {
                y.append("  ").append(p.getKey()).append(": ").append(flow(p.getValue())).append('\n');
            }
        }
        y.append(readOnly && !gate ? "preflight:\n" : "steps:\n");
        y.append("  - id: ").append(id).append('\n');
        y.append("    uses: ").append(type.id()).append('\n');
        if (!with.isEmpty()) {
            y.append("    with:\n");
            for (Map.Entry<String, Object> w : with.entrySet()) {
                y.append("      ").append(w.getKey()).append(": ").append(flow(w.getValue())).append('\n');
            }
        }
        if (!readOnly && !gate && !(type instanceof Undoable)) {
            y.append("    no_undo: \"say why, or give an undo: step\"\n");
        }
        boolean truststore = type.traits().contains(Traits.CHANGES_TRUSTSTORE);
        if (truststore) {
            y.append(RESTART.replace("ID", "restart-app"));
        }
        if (readOnly && !gate) {
            y.append("steps: []\n");
        } else {
            y.append("validate:\n");
            y.append("  - id: healthy\n");
            y.append("    uses: http.check\n");
            y.append("    with: { url: \"http://localhost:8080/health\", expect_json: { \"/status\": \"UP\" } }\n");
        }
        if (truststore) {
            y.append("rollback:\n").append(RESTART.replace("ID", "restart-app-again").replace("    no_undo: \"the "
                    + "rollback section restarts again\"\n", ""));
        }
        return y.toString();
    }

    /** A Java application loads its truststore at start-up: a change to one is followed by its restart. */
    private static final String RESTART = """
              - id: ID
                uses: shell.exec
                with: { command: [systemctl, restart, payment-service] }
                restarts: payment-service
                no_undo: "the rollback section restarts again"
            """;

    private static Object placeholder(InputSpec i, Map<String, Object> params) {
        return switch (i.type()) {
            case SECRET -> {
                params.put(i.name(), Map.of("type", "secret", "from", "env:" + i.name().toUpperCase(java.util.Locale.ROOT)));
                yield "${params." + i.name() + "}";
            }
            case PATH -> "/path/to/" + i.name();
            case INT -> 1;
            case BOOL -> true;
            case DURATION -> "30s";
            case LIST -> List.of(i.name());
            case MAP -> Map.of();
            default -> i.name().equals("jdbc_url") ? "jdbc:postgresql://db.example.internal:5432/app"
                    : i.name().equals("url") || i.name().endsWith("_url") ? "https://service.example.internal/"
                    : i.name();
        };
    }

    /** A value in YAML flow style (JSON where a plain scalar would be read as something else). */
    private static String flow(Object v) {
        if (v instanceof String s && PLAIN.matcher(s).matches() && !YAML_WORDS.contains(s.toLowerCase(
                java.util.Locale.ROOT))) {
            return s;
        }
        try {
            return JSON.writeValueAsString(v).replace("\":", "\": ").replace(",\"", ", \"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
