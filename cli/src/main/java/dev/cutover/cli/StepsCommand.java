package dev.cutover.cli;

import dev.cutover.plugin.PluginPath;
import dev.cutover.plugin.SecretSourceRegistry;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.StepType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/** {@code cutover steps}: the step types and secret sources installed, each with where it came from. */
@Command(name = "steps", mixinStandardHelpOptions = true, description = "List the step types (id, read-only or "
        + "mutating, built-in undo, inputs, outputs) and the secret sources, each with its origin: built in, or the plugin "
        + "jar it came from ($CUTOVER_PLUGIN_PATH, else ~/.cutover/plugins). JSON: {step_types, secret_sources}. "
        + "With TYPE: that type alone, with its traits and an example runbook that validates.")
final class StepsCommand implements Callable<Integer> {
    static final String BUILT_IN = "built-in";

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TYPE", description = "One step type, e.g. file.write.")
    String type;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PluginPath plugins = global.plugins();
        StepTypeRegistry registry = StepTypeRegistry.load(plugins);
        if (type != null) {
            return one(registry, out);
        }
        SecretSourceRegistry secrets = SecretSourceRegistry.load(plugins);
        List<Map<String, Object>> types = new ArrayList<>();
        for (StepType t : registry.all()) {
            types.add(describe(t, registry.origin(t.id()).map(Object::toString).orElse(BUILT_IN)));
        }
        // built-in types first, then each jar's, in id order within each (the registry's order)
        types.sort(java.util.Comparator.comparing((Map<String, Object> m) -> !BUILT_IN.equals(m.get("origin")))
                .thenComparing(m -> m.get("origin").toString()));
        List<Map<String, Object>> sources = new ArrayList<>();
        for (String scheme : List.of("env", "file")) {
            sources.add(source(scheme, BUILT_IN));
        }
        for (String scheme : secrets.schemes()) {
            sources.add(source(scheme, secrets.origin(scheme).map(Object::toString).orElse(BUILT_IN)));
        }
        if (global.json()) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("step_types", types);
            all.put("secret_sources", sources);
            JsonSummary.print(out, all);
            return 0;
        }
        Object origin = null;
        for (Map<String, Object> m : types) {
            if (!Objects.equals(origin, m.get("origin"))) {
                origin = m.get("origin");
                out.println(BUILT_IN.equals(origin) ? "Step types built in:" : "Step types from " + origin + ":");
            }
            out.println(m.get("id") + "  (" + m.get("capabilities") + ")  " + m.get("description"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> inputs = (List<Map<String, Object>>) m.get("inputs");
            for (Map<String, Object> i : inputs) {
                out.println("    " + i.get("name") + ": " + i.get("type") + (Boolean.TRUE.equals(i.get("required"))
                        ? ", required" : i.get("default") != null ? ", default " + i.get("default") : "")
                        + "  " + i.get("description"));
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> outputs = (List<Map<String, Object>>) m.get("outputs");
            if (!outputs.isEmpty()) {
                out.println("    outputs:");
                for (Map<String, Object> o : outputs) {
                    out.println("      " + o.get("name") + ": " + o.get("type") + "  " + o.get("description"));
                }
            }
        }
        out.println();
        out.println("Secret sources (params of type: secret, from: SCHEME:...):");
        for (Map<String, Object> s : sources) {
            out.printf("    %-22s %s%n", s.get("scheme") + ":", s.get("origin"));
        }
        if (plugins.jars().isEmpty()) {
            out.println();
            out.println("No plugin jars (set $" + PluginPath.ENV + " or put jars in ~/.cutover/plugins).");
        }
        return 0;
    }

    /** {@code cutover steps TYPE}: one type in full, with an example runbook. */
    private int one(StepTypeRegistry registry, PrintWriter out) {
        java.util.Optional<StepType> found = registry.all().stream().filter(t -> t.id().equals(type)).findFirst();
        if (found.isEmpty()) {
            String family = type.contains(".") ? type.substring(0, type.indexOf('.') + 1) : type;
            List<String> near = registry.all().stream().map(StepType::id).filter(id -> id.startsWith(family)).toList();
            spec.commandLine().getErr().println("cutover: no step type '" + type + "' is installed"
                    + (near.isEmpty() ? "" : "; " + family + "* types: " + String.join(", ", near))
                    + ". `cutover steps` lists them all.");
            return 2;
        }
        StepType t = found.get();
        Map<String, Object> m = describe(t, registry.origin(t.id()).map(Object::toString).orElse(BUILT_IN));
        String example = StepExample.of(t);
        if (global.json()) {
            m.put("example", example);
            JsonSummary.print(out, m);
            return 0;
        }
        out.println(t.id() + "  (" + m.get("capabilities") + ")  from " + m.get("origin"));
        out.println("  " + t.description());
        out.println();
        out.println("  inputs (with:):");
        for (InputSpec i : t.inputs()) {
            out.println("    " + i.name() + ": " + i.type().label() + (i.required() ? ", required"
                    : i.defaultValue() != null ? ", default " + i.defaultValue() : "")
                    + (i.secret() ? ", secret" : "") + "  " + i.description());
        }
        out.println();
        out.println(t.outputs().isEmpty() ? "  outputs: none" : "  outputs (${steps.ID.outputs.NAME}):");
        for (dev.cutover.spi.OutputSpec o : t.outputs()) {
            out.println("    " + o.name() + ": " + o.type() + "  " + o.description());
        }
        out.println();
        out.println("  traits: " + (t.traits().isEmpty() ? "none" : String.join(", ", t.traits().stream().sorted()
                .toList())));
        out.println();
        out.println("  example (save it and run `cutover validate` on it):");
        out.println();
        example.lines().forEach(l -> out.println("    " + l));
        return 0;
    }

    private static Map<String, Object> describe(StepType t, String origin) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("read_only", t.readOnly(Map.of()));
        m.put("capabilities", capabilities(t));
        m.put("built_in_undo", t instanceof dev.cutover.spi.Undoable);
        m.put("description", t.description());
        m.put("origin", origin);
        m.put("version", t.version());
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (InputSpec i : t.inputs()) {
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("name", i.name());
            in.put("type", i.type().label());
            in.put("required", i.required());
            in.put("default", i.defaultValue());
            in.put("description", i.description());
            inputs.add(in);
        }
        m.put("inputs", inputs);
        List<Map<String, Object>> outputs = new ArrayList<>();
        for (dev.cutover.spi.OutputSpec o : t.outputs()) {
            Map<String, Object> om = new LinkedHashMap<>();
            om.put("name", o.name());
            om.put("type", o.type());
            om.put("description", o.description());
            outputs.add(om);
        }
        m.put("outputs", outputs);
        m.put("traits", t.traits().stream().sorted().toList());
        return m;
    }

    /** What a type can do, from the capability interfaces it implements. */
    static String capabilities(StepType t) {
        List<String> c = new ArrayList<>();
        if (t instanceof dev.cutover.spi.Check) {
            c.add(t instanceof dev.cutover.spi.Change ? "read-only with readonly: true" : "read-only");
        }
        if (t instanceof dev.cutover.spi.Change) {
            c.add("mutating");
        }
        if (t instanceof dev.cutover.spi.Undoable) {
            c.add("built-in undo");
        }
        if (t instanceof dev.cutover.spi.Probeable) {
            c.add("probe");
        }
        return String.join(", ", c);
    }

    private static Map<String, Object> source(String scheme, String origin) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scheme", scheme);
        m.put("origin", origin);
        return m;
    }
}
