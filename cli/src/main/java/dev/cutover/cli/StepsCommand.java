package dev.cutover.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cutover.plugin.PluginPath;
import dev.cutover.plugin.SecretSourceRegistry;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.report.TextTable;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.StepType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
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

    /** What {@code steps --output json} prints (docs/schemas/steps.schema.json). */
    record Listing(List<TypeRow> stepTypes, List<SourceRow> secretSources) {
    }

    /**
     * One step type.
     *
     * @param capabilities what it can do, from the capability interfaces it implements
     * @param origin       {@value #BUILT_IN}, or the plugin jar it came from
     */
    record TypeRow(String id, boolean readOnly, String capabilities, boolean builtInUndo, String description,
                   String origin, String version, List<InputRow> inputs, List<OutputRow> outputs, List<String> traits) {
    }

    /** One input of a step type; {@code default} is null when it has none. */
    record InputRow(String name, String type, boolean required, @JsonProperty("default") Object defaultValue,
                    String description) {
    }

    /** One declared output of a step type. */
    record OutputRow(String name, String type, String description) {
    }

    /** One secret source ({@code from: SCHEME:...}) and where it came from. */
    record SourceRow(String scheme, String origin) {
    }

    /** What {@code steps TYPE --output json} prints: the type as the listing has it, and an example runbook. */
    record Detail(@com.fasterxml.jackson.annotation.JsonUnwrapped TypeRow type, String example) {
    }

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
        List<TypeRow> types = new ArrayList<>();
        for (StepType t : registry.all()) {
            types.add(describe(t, registry.origin(t.id()).map(Object::toString).orElse(BUILT_IN)));
        }
        // built-in types first, then each jar's, in id order within each (the registry's order)
        types.sort(java.util.Comparator.comparing((TypeRow m) -> !BUILT_IN.equals(m.origin()))
                .thenComparing(TypeRow::origin));
        List<SourceRow> sources = new ArrayList<>();
        for (String scheme : List.of("env", "file")) {
            sources.add(new SourceRow(scheme, BUILT_IN));
        }
        for (String scheme : secrets.schemes()) {
            sources.add(new SourceRow(scheme, secrets.origin(scheme).map(Object::toString).orElse(BUILT_IN)));
        }
        if (global.json()) {
            JsonSummary.print(out, new Listing(types, sources));
            return 0;
        }
        Object origin = null;
        for (TypeRow m : types) {
            if (!Objects.equals(origin, m.origin())) {
                origin = m.origin();
                out.println(BUILT_IN.equals(origin) ? "Step types built in:" : "Step types from " + origin + ":");
            }
            out.println(m.id() + "  (" + m.capabilities() + ")  " + m.description());
            for (InputRow i : m.inputs()) {
                out.println("    " + i.name() + ": " + i.type() + (i.required() ? ", required"
                        : i.defaultValue() != null ? ", default " + i.defaultValue() : "") + "  " + i.description());
            }
            if (!m.outputs().isEmpty()) {
                out.println("    outputs:");
                for (OutputRow o : m.outputs()) {
                    out.println("      " + o.name() + ": " + o.type() + "  " + o.description());
                }
            }
        }
        out.println();
        out.println("Secret sources (params of type: secret, from: SCHEME:...):");
        TextTable table = TextTable.of("SCHEME", "ORIGIN");
        sources.forEach(s -> table.row(s.scheme() + ":", s.origin()));
        table.lines().forEach(l -> out.println("    " + l));
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
        TypeRow row = describe(t, registry.origin(t.id()).map(Object::toString).orElse(BUILT_IN));
        String example = StepExample.of(t);
        if (global.json()) {
            JsonSummary.print(out, new Detail(row, example));
            return 0;
        }
        out.println(t.id() + "  (" + row.capabilities() + ")  from " + row.origin());
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

    private static TypeRow describe(StepType t, String origin) {
        return new TypeRow(t.id(), t.readOnly(Map.of()), capabilities(t), t instanceof dev.cutover.spi.Undoable,
                t.description(), origin, t.version(),
                t.inputs().stream().map(i -> new InputRow(i.name(), i.type().label(), i.required(), i.defaultValue(),
                        i.description())).toList(),
                t.outputs().stream().map(o -> new OutputRow(o.name(), o.type(), o.description())).toList(),
                t.traits().stream().sorted().toList());
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
}
