package dev.cutover.runbook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.StepType;

import java.io.UncheckedIOException;
import java.util.List;

/**
 * The runbook schema as {@code cutover schema} prints it for editors: the format's own schema plus, for
 * every installed step type, what its {@code with:} accepts, keyed on {@code uses:} with if/then. Built
 * from the types' declared inputs (type, required, allowed values, description, default); a key a type
 * does not declare is flagged. A value that is a {@code ${...}} reference is accepted wherever its type
 * could be, because it is only known when the step runs.
 */
public final class StepInputsSchema {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String REF = "#/$defs/reference";

    private StepInputsSchema() {
    }

    /** The full schema, as pretty-printed JSON. */
    public static String text(StepTypeRegistry registry) {
        try {
            return JSON.writeValueAsString(generate(registry)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The full schema as a tree. */
    public static ObjectNode generate(StepTypeRegistry registry) {
        ObjectNode root;
        try {
            root = (ObjectNode) JSON.readTree(RunbookSchema.text());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode defs = (ObjectNode) root.get("$defs");
        defs.putObject("reference").put("type", "string").put("pattern", "\\$\\{[^}]+\\}")
                .put("description", "a ${...} reference, resolved when the step runs");
        ArrayNode conditions = JSON.createArrayNode();
        ArrayNode uses = JSON.createArrayNode();
        for (StepType t : registry.all()) {
            String def = "with:" + t.id();
            defs.set(def, inputs(t));
            ObjectNode rule = conditions.addObject();
            ObjectNode ifUses = rule.putObject("if");
            ifUses.putObject("properties").putObject("uses").put("const", t.id());
            ifUses.putArray("required").add("uses");
            rule.putObject("then").putObject("properties").putObject("with").put("$ref", "#/$defs/" + escape(def));
            uses.addObject().put("const", t.id()).put("description", t.description());
        }
        for (String shape : List.of("step", "call")) {
            ObjectNode d = (ObjectNode) defs.get(shape);
            if (d == null) {
                continue;
            }
            ObjectNode u = (ObjectNode) d.path("properties").get("uses");
            if (u != null && !uses.isEmpty()) {
                u.set("anyOf", uses.deepCopy());
                u.put("description", "the step type; 'cutover steps' lists them with their inputs and outputs");
            }
            if (!conditions.isEmpty()) {
                d.set("allOf", conditions.deepCopy());
            }
        }
        return root;
    }

    private static ObjectNode inputs(StepType t) {
        ObjectNode s = JSON.createObjectNode();
        s.put("type", "object");
        s.put("description", "inputs of " + t.id() + (t.description().isEmpty() ? "" : ": " + t.description()));
        s.put("additionalProperties", false);
        ObjectNode props = s.putObject("properties");
        ArrayNode required = JSON.createArrayNode();
        for (InputSpec in : t.inputs()) {
            props.set(in.name(), input(in));
            if (in.required() && in.defaultValue() == null) {
                required.add(in.name());
            }
        }
        if (!required.isEmpty()) {
            s.set("required", required);
        }
        return s;
    }

    private static ObjectNode input(InputSpec in) {
        ObjectNode s = JSON.createObjectNode();
        String type = in.type().label();
        s.put("description", in.description().isEmpty() ? type : in.description() + " (" + type + ")");
        if (in.defaultValue() != null) {
            s.set("default", JSON.valueToTree(in.defaultValue()));
        }
        ArrayNode any = s.putArray("anyOf");
        if (!in.values().isEmpty()) {
            ArrayNode values = any.addObject().putArray("enum");
            in.values().forEach(v -> values.add(JSON.valueToTree(v)));
        } else {
            switch (in.type()) {
                case STRING, PATH -> any.addObject().putArray("type").add("string").add("number").add("boolean");
                case INT -> {
                    any.addObject().put("type", "integer");
                    any.addObject().put("type", "string").put("pattern", "^-?[0-9]+$");
                }
                case BOOL -> any.addObject().put("type", "boolean");
                case LIST -> any.addObject().put("type", "array");
                case MAP -> any.addObject().put("type", "object");
                case DURATION -> any.addObject().put("$ref", "#/$defs/duration");
                case SECRET -> {
                    // only a reference to a secret param
                }
                case ANY -> {
                    s.remove("anyOf");
                    return s;
                }
            }
        }
        any.addObject().put("$ref", REF);
        return s;
    }

    /** A {@code $defs} key as a JSON Pointer token. */
    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
