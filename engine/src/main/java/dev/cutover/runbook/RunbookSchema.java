package dev.cutover.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The runbook JSON Schema shipped in the jar, and the translation of its errors into operator problems. */
public final class RunbookSchema {
    private static final String RESOURCE = "/dev/cutover/runbook/runbook.schema.json";
    private static volatile Schema schema;

    private RunbookSchema() {
    }

    /** The schema text, as printed by {@code cutover schema}. */
    public static String text() {
        try (InputStream in = RunbookSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("runbook schema missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema schema() {
        Schema s = schema;
        if (s == null) {
            s = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(text());
            schema = s;
        }
        return s;
    }

    /** Validates a parsed runbook, adding one problem per distinct error. */
    static void check(YamlTree tree, List<Problem> problems) {
        List<Error> errors = schema().validate(tree.root());
        Set<String> seen = new LinkedHashSet<>();
        for (Error e : errors) {
            String ptr = pointer(e.getInstanceLocation());
            Problem p = translate(tree, ptr, e);
            if (p != null && seen.add(p.location() + p.message())) {
                problems.add(p);
            }
        }
    }

    private static Problem translate(YamlTree tree, String ptr, Error e) {
        String kw = e.getKeyword() == null ? "" : e.getKeyword();
        String step = stepIdAt(tree, ptr);
        switch (kw) {
            case "additionalProperties" -> {
                String key = e.getProperty();
                String child = ptr + "/" + YamlTree.escape(key);
                List<String> allowed = allowedKeys(tree, ptr);
                String near = Suggest.closest(key, allowed);
                return new Problem(tree.keyAt(child), step, "unknown key '" + key + "'",
                        (near != null ? "did you mean '" + near + "'? " : "") + "allowed here: "
                                + String.join(", ", allowed));
            }
            case "required" -> {
                return new Problem(tree.at(ptr), step, "missing required key '" + e.getProperty() + "'",
                        "add '" + e.getProperty() + ":'" + (ptr.isEmpty() ? " at the top level" : " here"));
            }
            case "pattern" -> {
                return new Problem(tree.at(ptr), step, "'" + text(e.getInstanceNode()) + "' is not valid for "
                        + last(ptr), hintForPattern(ptr));
            }
            case "const" -> {
                return new Problem(tree.at(ptr), null, "apiVersion must be 'cutover/v1', got '"
                        + text(e.getInstanceNode()) + "'", "write 'apiVersion: cutover/v1'");
            }
            case "enum" -> {
                return new Problem(tree.at(ptr), step, "'" + text(e.getInstanceNode()) + "' is not a valid "
                        + last(ptr), last(ptr).equals("rollback") ? "use failed-batch or all"
                        : "use one of: string, int, bool, path, secret, list");
            }
            case "type" -> {
                return new Problem(tree.at(ptr), step, last(ptr) + " has the wrong type: "
                        + strip(e.getMessage()), "see 'cutover schema' for the expected shape");
            }
            case "minimum", "maximum", "minLength" -> {
                return new Problem(tree.at(ptr), step, last(ptr) + ": " + strip(e.getMessage()), "");
            }
            default -> {
                return new Problem(tree.at(ptr), step, strip(e.getMessage()), "see 'cutover schema'");
            }
        }
    }

    private static String hintForPattern(String ptr) {
        String last = last(ptr);
        return switch (last) {
            case "id", "name" -> "use lower-case letters, digits and '-' only";
            case "timeout", "delay" -> "write durations as 500ms, 30s, 5m, 1h or 2d";
            case "from" -> "write env:NAME, file:PATH or a secret source such as aws-secretsmanager:ID";
            case "uses" -> "a step type id such as shell.exec; 'cutover steps' lists them";
            default -> "see 'cutover schema'";
        };
    }

    /** The keys allowed at a pointer, knowing whether it is inside a {@code hosts:} block. */
    static List<String> allowedKeys(YamlTree tree, String ptr) {
        String[] parts = ptr.isEmpty() ? new String[0] : ptr.substring(1).split("/");
        if (parts.length >= 2 && parts[0].equals("steps") && tree.root() != null
                && tree.root().path("steps").path(parseIndex(parts[1])).has("hosts")) {
            if (parts.length == 2) {
                return List.of("id", "description", "hosts", "rolling", "preflight", "steps", "validate");
            }
            if (parts.length == 3 && parts[2].equals("rolling")) {
                return List.of("batch", "canary", "max_failed", "pause", "rollback");
            }
            if (parts.length >= 4) {
                return allowedKeys("/" + String.join("/", java.util.Arrays.copyOfRange(parts, 2, parts.length)));
            }
        }
        return allowedKeys(ptr);
    }

    static List<String> allowedKeys(String ptr) {
        String[] parts = ptr.isEmpty() ? new String[0] : ptr.substring(1).split("/");
        if (parts.length == 0) {
            return List.of("apiVersion", "name", "description", "params", "lock", "window", "rollback_window",
                    "preflight", "steps", "validate", "rollback");
        }
        if (parts[0].equals("window")) {
            return List.of("days", "from", "to", "zone");
        }
        if (parts[0].equals("params") && parts.length == 2) {
            return List.of("type", "required", "default", "description", "from");
        }
        if (parts.length == 2) {
            return List.of("id", "uses", "description", "with", "timeout", "retry", "when", "undo", "no_undo",
                    "probe", "fact", "restarts", "changes", "revalidate");
        }
        if (parts.length == 3 && parts[2].equals("retry")) {
            return List.of("attempts", "delay");
        }
        if (parts.length == 3) {
            return List.of("uses", "with", "timeout");
        }
        return List.of();
    }

    private static String stepIdAt(YamlTree tree, String ptr) {
        String[] parts = ptr.isEmpty() ? new String[0] : ptr.substring(1).split("/");
        if (parts.length >= 2 && !parts[0].equals("params") && tree.root() != null) {
            JsonNode item = tree.root().path(parts[0]).path(parseIndex(parts[1]));
            if (item.has("hosts") && parts.length >= 4) {
                item = item.path(parts[2]).path(parseIndex(parts[3])); // a step inside a hosts: block
            }
            JsonNode n = item.path("id");
            return n.isTextual() ? n.asText() : null;
        }
        return null;
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String pointer(NodePath path) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object el = path.getElement(i);
            sb.append('/').append(el instanceof Integer ? el.toString() : YamlTree.escape(String.valueOf(el)));
        }
        return sb.toString();
    }

    private static String last(String ptr) {
        return ptr.isEmpty() ? "the document" : ptr.substring(ptr.lastIndexOf('/') + 1);
    }

    private static String text(JsonNode n) {
        return n == null ? "" : n.isTextual() ? n.asText() : n.toString();
    }

    private static String strip(String msg) {
        return msg == null ? "" : msg.replaceFirst("^\\$[^:]*:\\s*", "");
    }
}
