package dev.cutover.cli;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.StepType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cutover steps}: the step types found on the class path. */
@Command(name = "steps", mixinStandardHelpOptions = true, description = "List the step types: id, read-only or "
        + "mutating, built-in undo, inputs, outputs.")
final class StepsCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        List<Map<String, Object>> all = new ArrayList<>();
        for (StepType t : StepTypeRegistry.load().all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("read_only", t.readOnly(Map.of()));
            m.put("capabilities", capabilities(t));
            m.put("built_in_undo", t instanceof dev.cutover.spi.Undoable);
            m.put("description", t.description());
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
            all.add(m);
        }
        if (global.json()) {
            JsonSummary.print(out, all);
            return 0;
        }
        for (Map<String, Object> m : all) {
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
        return 0;
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
