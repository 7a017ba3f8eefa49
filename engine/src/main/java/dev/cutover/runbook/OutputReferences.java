package dev.cutover.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.StepType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The load-time check that a step's outputs are read only by the names its type declares: every
 * {@code ${steps.ID.outputs.KEY...}} in a step's, undo's or probe's {@code with:} (wait.until's inner
 * {@code with:} included), and every {@code steps['ID'].outputs.KEY} in a {@code when:}, must name an
 * output that ID's step type lists in {@link StepType#outputs()}. Below an output of type map or any
 * (wait.until's {@code last}, shell.exec's {@code json}) keys are free; below a list only positions;
 * below a string, number or boolean nothing.
 *
 * <p>A type that declares no outputs at all (a plugin written before outputs were declared) is not
 * checked: its references are resolved at run time as before. References to unknown steps, unknown
 * types and malformed references are reported by {@link RunbookChecker}, not here.
 */
final class OutputReferences {
    private static final Set<String> SCALARS = Set.of("string", "integer", "number", "boolean");

    private final StepTypeRegistry registry;
    private final YamlTree tree;
    private final Runbook rb;
    private final List<Problem> problems;
    private final Map<String, StepDef> steps = new HashMap<>();

    OutputReferences(StepTypeRegistry registry, YamlTree tree, Runbook rb, List<Problem> problems) {
        this.registry = registry;
        this.tree = tree;
        this.rb = rb;
        this.problems = problems;
        for (StepDef s : rb.allSteps()) {
            steps.putIfAbsent(s.id(), s);
        }
    }

    void check() {
        for (Section sec : Section.values()) {
            List<StepDef> section = rb.section(sec);
            for (int at = 0; at < section.size(); at++) {
                StepDef s = section.get(at);
                String ptr = pointerOf(s, at);
                walk(s.id(), s.with(), ptr + "/with");
                if (s.undo() != null) {
                    walk(s.id(), s.undo().with(), ptr + "/undo/with");
                }
                if (s.probe() != null) {
                    walk(s.id(), s.probe().with(), ptr + "/probe/with");
                }
                if (s.when() != null) {
                    condition(s, ptr + "/when");
                }
            }
        }
    }

    private void walk(String reader, Object value, String ptr) {
        if (value instanceof String s) {
            for (Reference r : Reference.findAll(s)) {
                if (r.kind().equals("steps") && r.shapeProblem() == null) {
                    check(reader, r.name(), r.path().subList(1, r.path().size()), "${" + r.text() + "}", tree.at(ptr));
                }
            }
        } else if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(reader, v, ptr + "/" + YamlTree.escape(String.valueOf(k))));
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walk(reader, l.get(i), ptr + "/" + i);
            }
        }
    }

    private void condition(StepDef s, String ptr) {
        Set<List<String>> vars;
        try {
            vars = Conditions.compile(s.when());
        } catch (IllegalArgumentException e) {
            return; // RunbookChecker reports it
        }
        for (List<String> v : vars) {
            if (v.size() >= 4 && v.get(0).equals("steps") && v.get(2).equals("outputs")) {
                check(s.id(), v.get(1), v.subList(3, v.size()), "steps['" + v.get(1) + "'].outputs."
                        + String.join(".", v.subList(3, v.size())), tree.at(ptr));
            }
        }
    }

    /** Checks the keys read below {@code steps.ID.outputs} against ID's declared outputs. */
    private void check(String reader, String id, List<String> keys, String written, Location at) {
        StepDef target = steps.get(id);
        Optional<StepType> type = target == null ? Optional.empty() : registry.find(target.uses());
        if (type.isEmpty() || type.get().outputs().isEmpty()) {
            return;
        }
        List<OutputSpec> declared = type.get().outputs();
        String key = keys.get(0);
        OutputSpec out = declared.stream().filter(o -> o.name().equals(key)).findFirst().orElse(null);
        String names = String.join(", ", declared.stream().map(OutputSpec::name).toList());
        if (out == null) {
            String near = Suggest.closest(key, declared.stream().map(OutputSpec::name).toList());
            problems.add(new Problem(at, reader, written + " reads output '" + key + "', which step '" + id + "' ("
                    + target.uses() + ") does not produce",
                    (near != null ? "did you mean '" + near + "'? " : "") + target.uses() + " outputs: " + names
                            + " ('cutover steps' describes them)"));
            return;
        }
        if (keys.size() < 2) {
            return;
        }
        String below = keys.get(1);
        if (SCALARS.contains(out.type())) {
            problems.add(new Problem(at, reader, written + " reads '" + below + "' inside output '" + key
                    + "' of step '" + id + "', which is a " + out.type() + " with nothing inside",
                    "read ${steps." + id + ".outputs." + key + "} itself"));
        } else if (out.type().equals("list") && !below.matches("\\d+")) {
            problems.add(new Problem(at, reader, written + " reads '" + below + "' inside output '" + key
                    + "' of step '" + id + "', which is a list", "pick an element by its position, e.g. ${steps."
                    + id + ".outputs." + key + ".0}"));
        }
    }

    /** The step's JSON pointer; {@code at}, its position in its section, is tried first (a scan per step is quadratic). */
    private String pointerOf(StepDef s, int at) {
        String key = s.section().key();
        JsonNode list = tree.root().path(key);
        if (at < list.size() && isAt(s, list, key, at)) {
            return "/" + key + "/" + at;
        }
        for (int i = 0; i < list.size(); i++) {
            if (i != at && isAt(s, list, key, i)) {
                return "/" + key + "/" + i;
            }
        }
        return "/" + key;
    }

    private boolean isAt(StepDef s, JsonNode list, String key, int i) {
        return s.id().equals(list.get(i).path("id").asText(null)) && tree.at("/" + key + "/" + i).equals(s.location());
    }
}
