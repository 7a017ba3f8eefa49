package dev.cutover.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.spi.Durations;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.StepType;
import dev.cutover.spi.Values;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The checks beyond the schema: step types, inputs, the rollback-plan rule, references, conditions. */
final class RunbookChecker {
    private final StepTypeRegistry registry;
    private final YamlTree tree;
    private final Runbook rb;
    private final List<Problem> problems;
    /** step id -> order number across sections. */
    private final Map<String, Integer> order = new HashMap<>();
    /** The steps of {@code hosts:} blocks (where {@code ${host.*}} may be used), as they are checked. */
    private final Set<String> inBlock = new java.util.HashSet<>();

    RunbookChecker(StepTypeRegistry registry, YamlTree tree, Runbook rb, List<Problem> problems) {
        this.registry = registry;
        this.tree = tree;
        this.rb = rb;
        this.problems = problems;
    }

    void check() {
        Map<String, StepDef> seen = new HashMap<>();
        int n = 0;
        for (StepDef s : rb.allSteps()) {
            StepDef first = seen.putIfAbsent(s.id(), s);
            if (first != null) {
                problems.add(new Problem(s.location(), s.id(), "duplicate step id '" + s.id() + "' (first used at "
                        + first.location() + ")", "give every step its own id"));
            } else {
                order.put(s.id(), n++);
            }
        }
        if (rb.policy().lock() != null) {
            for (Reference r : Reference.findAll(rb.policy().lock())) {
                if (!r.kind().equals("params") && !r.kind().equals("env") && !r.kind().equals("run")) {
                    problems.add(new Problem(tree.at("/lock"), null, "the lock key can only use params, env or run",
                            "write e.g. lock: ${params.db_instance}"));
                } else {
                    checkReference(null, r, tree.at("/lock"), -1, false);
                }
            }
        }
        checkDuration(tree.root().path("rollback_window"), "/rollback_window", null);
        for (Section sec : Section.values()) {
            Map<Location, String> pointers = pointers(sec);
            for (StepDef s : rb.section(sec)) {
                checkStep(s, pointers.getOrDefault(s.location(), "/" + sec.key()));
            }
        }
        JsonNode items = tree.root().path("steps");
        for (int i = 0; items.isArray() && i < items.size(); i++) {
            if (!items.get(i).isObject() || !items.get(i).has("hosts")) {
                continue;
            }
            for (Section sec : List.of(Section.PREFLIGHT, Section.STEPS, Section.VALIDATE)) {
                JsonNode list = items.get(i).path(sec.key());
                for (int j = 0; j < list.size(); j++) {
                    String ptr = "/steps/" + i + "/" + sec.key() + "/" + j;
                    Location at = tree.at(ptr);
                    rb.blocks().stream().flatMap(b -> b.section(sec).stream()).filter(s -> s.location().equals(at))
                            .findFirst().ifPresent(s -> {
                                inBlock.add(s.id());
                                checkStep(s, ptr);
                            });
                }
            }
        }
        new OutputReferences(registry, tree, rb, problems).check();
    }

    /** Where each step of a section sits in the tree, by its location: one pass, so checking stays linear. */
    private Map<Location, String> pointers(Section sec) {
        Map<Location, String> out = new HashMap<>();
        JsonNode list = tree.root().path(sec.key());
        for (int i = 0; i < list.size(); i++) {
            String ptr = "/" + sec.key() + "/" + i;
            out.putIfAbsent(tree.at(ptr), ptr);
        }
        return out;
    }

    private void checkStep(StepDef s, String ptr) {
        Optional<StepType> type = registry.find(s.uses());
        int own = order.getOrDefault(s.id(), Integer.MAX_VALUE);
        if (type.isEmpty()) {
            unknownType(s.uses(), tree.at(ptr + "/uses"), s.id());
        } else {
            checkInputs(s.id(), type.get(), s.with(), ptr + "/with", own, false);
            for (String literal : type.get().checkLiterals(s.with())) {
                problems.add(new Problem(tree.at(ptr + "/with"), s.id(), literal, "fix the value"));
            }
            boolean readOnly = type.get().readOnly(s.with());
            if (s.section().readOnly() && !readOnly) {
                problems.add(new Problem(tree.at(ptr + "/uses"), s.id(), "'" + s.uses() + "' can change things, and "
                        + s.section().key() + " accepts only read-only checks",
                        "move the step to 'steps'" + (type.get() instanceof dev.cutover.spi.Check
                                ? ", or, if it only reads, set 'readonly: true' in its inputs" : "")));
            }
            if (type.get().traits().contains(dev.cutover.spi.Traits.GATE) && s.section() != Section.STEPS) {
                problems.add(new Problem(tree.at(ptr + "/uses"), s.id(), "'" + s.uses() + "' asks people and is "
                        + "allowed in 'steps' only", "move the step to 'steps', before the change it gates"));
            }
            if (type.get().traits().contains(dev.cutover.spi.Traits.THIS_MACHINE_ONLY) && inBlock.contains(s.id())) {
                problems.add(new Problem(tree.at(ptr + "/uses"), s.id(), "'" + s.uses() + "' works on this machine's "
                        + "files only and cannot run on each host of a 'hosts:' block",
                        "move the step out of the block (it then runs once, on cutover's machine), or do its work "
                        + "per host with file.* and shell.exec steps"));
            }
            if (s.revalidate() && s.section() != Section.VALIDATE) {
                problems.add(new Problem(tree.keyAt(ptr + "/revalidate"), s.id(), "'revalidate: true' is for "
                        + "validate steps only", "remove it; after a rollback the preflight checks run again anyway"));
            }
            if (s.fact() && !readOnly) {
                problems.add(new Problem(s.location(), s.id(), "'fact: true' on a step that can change things",
                        "facts are gathered in dry runs and drift checks; use a read-only step"));
            }
            if (s.section() == Section.STEPS && !readOnly && s.undo() == null && s.noUndo() == null
                    && !(type.get() instanceof dev.cutover.spi.Undoable)) {
                problems.add(new Problem(s.location(), s.id(), "mutating step has no rollback plan",
                        "add 'undo: { uses: ..., with: ... }' or 'no_undo: \"<why none is needed>\"'"));
            }
        }
        if (s.uses().equals("wait.until") && s.with().get("uses") instanceof String inner
                && !Reference.findAll(inner).iterator().hasNext()) {
            Optional<StepType> it = registry.find(inner);
            if (it.isEmpty()) {
                unknownType(inner, tree.at(ptr + "/with/uses"), s.id());
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> innerWith = s.with().get("with") instanceof Map<?, ?> m
                        ? (Map<String, Object>) m : Map.of();
                checkInputs(s.id(), it.get(), innerWith, ptr + "/with/with", own, false);
                if (!it.get().readOnly(innerWith)) {
                    problems.add(new Problem(tree.at(ptr + "/with/uses"), s.id(), "wait.until polls only read-only "
                            + "step types; '" + inner + "' can change things", "poll a check, e.g. http.check"));
                }
            }
        }
        if (s.undo() != null && s.noUndo() != null) {
            problems.add(new Problem(tree.keyAt(ptr + "/no_undo"), s.id(), "both 'undo' and 'no_undo' are set",
                    "keep one: an undo, or the reason there is none"));
        }
        if (s.undo() != null) {
            Optional<StepType> ut = registry.find(s.undo().uses());
            if (ut.isEmpty()) {
                unknownType(s.undo().uses(), tree.at(ptr + "/undo/uses"), s.id());
            } else {
                checkInputs(s.id(), ut.get(), s.undo().with(), ptr + "/undo/with", own, true);
            }
        }
        if (s.probe() != null) {
            Optional<StepType> pt = registry.find(s.probe().uses());
            if (pt.isEmpty()) {
                unknownType(s.probe().uses(), tree.at(ptr + "/probe/uses"), s.id());
            } else {
                checkInputs(s.id(), pt.get(), s.probe().with(), ptr + "/probe/with", own, true);
                if (!pt.get().readOnly(s.probe().with())) {
                    problems.add(new Problem(tree.at(ptr + "/probe/uses"), s.id(), "a probe must be read-only",
                            "use a read-only check (for shell.exec: readonly: true)"));
                }
            }
        }
        if (s.when() != null) {
            checkCondition(s, ptr + "/when");
        }
        checkDuration(tree.root().at(ptr + "/timeout"), ptr + "/timeout", s.id());
        checkDuration(tree.root().at(ptr + "/retry/delay"), ptr + "/retry/delay", s.id());
        checkDuration(tree.root().at(ptr + "/undo/timeout"), ptr + "/undo/timeout", s.id());
        checkDuration(tree.root().at(ptr + "/probe/timeout"), ptr + "/probe/timeout", s.id());
    }

    private void checkDuration(JsonNode n, String ptr, String step) {
        if (n.isTextual() && Durations.hasSyntax(n.asText()) && !Durations.isValid(n.asText())) {
            problems.add(new Problem(tree.at(ptr), step, "'" + n.asText() + "' is too long a duration",
                    "write at most a few days, e.g. 45m or 2h"));
        }
    }

    private void unknownType(String uses, Location at, String step) {
        List<String> ids = registry.all().stream().map(StepType::id).toList();
        String near = Suggest.closest(uses, ids);
        problems.add(new Problem(at, step, "unknown step type '" + uses + "'",
                (near != null ? "did you mean '" + near + "'? " : "") + "'cutover steps' lists the available types"));
    }

    private void checkInputs(String step, StepType type, Map<String, Object> with, String ptr, int own,
                             boolean mayUseOwn) {
        Map<String, InputSpec> specs = new HashMap<>();
        type.inputs().forEach(i -> specs.put(i.name(), i));
        for (Map.Entry<String, Object> e : with.entrySet()) {
            String p = ptr + "/" + YamlTree.escape(e.getKey());
            InputSpec spec = specs.get(e.getKey());
            if (spec == null) {
                String near = Suggest.closest(e.getKey(), specs.keySet());
                problems.add(new Problem(tree.keyAt(p), step, type.id() + " has no input '" + e.getKey() + "'",
                        (near != null ? "did you mean '" + near + "'? " : "") + "its inputs: "
                                + String.join(", ", type.inputs().stream().map(InputSpec::name).toList())));
                continue;
            }
            checkValue(step, spec, e.getValue(), p, own, mayUseOwn);
        }
        for (InputSpec spec : type.inputs()) {
            if (spec.required() && spec.defaultValue() == null && with.get(spec.name()) == null) {
                problems.add(new Problem(tree.at(ptr.substring(0, ptr.lastIndexOf('/'))), step, type.id()
                        + " needs input '" + spec.name() + "' (" + spec.type().label() + ")",
                        "add it under 'with:'" + (spec.description().isEmpty() ? "" : ": " + spec.description())));
            }
        }
    }

    private void checkValue(String step, InputSpec spec, Object value, String ptr, int own, boolean mayUseOwn) {
        Location at = tree.at(ptr);
        List<String> strings = new ArrayList<>();
        collectStrings(value, strings);
        boolean secretRef = false;
        for (String s : strings) {
            for (Reference r : Reference.findAll(s)) {
                if (checkReference(step, r, at, own, mayUseOwn)) {
                    secretRef = true;
                }
            }
        }
        if (secretRef && !spec.acceptsSecret()) {
            problems.add(new Problem(at, step, "a secret param would appear in input '" + spec.name()
                    + "', where other users can see it (process list, logs)",
                    "pass it through the environment, e.g. env: { PASSWORD: ${params.x} }, and read $PASSWORD"));
        }
        boolean whole = value instanceof String s && Reference.isWhole(s);
        if (whole) {
            return;
        }
        String problem = switch (spec.type()) {
            case INT -> Values.isLong(value) || hasRef(value) ? null : "must be an integer";
            case BOOL -> Values.parseBoolean(value).isPresent() || hasRef(value) ? null : boolProblem(value);
            case LIST -> value instanceof List ? null : "must be a list, e.g. [a, b]";
            case MAP -> value instanceof Map ? null : "must be a mapping of keys to values";
            case DURATION -> value instanceof String s && (Durations.isValid(s) || hasRef(s)) ? null
                    : "must be a duration such as 500ms, 30s, 5m or 1h";
            case STRING, PATH -> value instanceof Map || value instanceof List ? "must be a single value" : null;
            case SECRET -> "must come from a secret param, e.g. ${params.password}; never write a secret in a runbook";
            case ANY -> null;
        };
        if (problem == null && isUrlInput(spec.name()) && value instanceof String url && !hasRef(url)
                && !url.matches("(?i)[a-z][a-z0-9+.:-]*://.*")) {
            problems.add(new Problem(at, step, "input '" + spec.name() + "': '" + url + "' has no scheme",
                    "write it in full, e.g. http://" + url + " or https://" + url));
            return;
        }
        if (problem == null && !spec.values().isEmpty() && !hasRef(value)) {
            List<String> allowed = spec.values().stream().map(String::valueOf).toList();
            if (!allowed.contains(String.valueOf(value))) {
                String near = Suggest.closest(String.valueOf(value), allowed);
                problems.add(new Problem(at, step, "input '" + spec.name() + "': '" + value + "' is not one of "
                        + String.join(", ", allowed), near != null ? "did you mean '" + near + "'?" : "use one of them"));
                return;
            }
        }
        if (problem != null) {
            problems.add(new Problem(at, step, "input '" + spec.name() + "' " + problem, spec.description()));
        }
    }

    /** Inputs that take a URL, by the name convention step types follow ({@code url}, {@code *_url}). */
    private static boolean isUrlInput(String name) {
        return name.equals("url") || name.endsWith("_url");
    }

    private static String boolProblem(Object value) {
        try {
            Values.toBoolean(value);
            return null;
        } catch (IllegalArgumentException e) {
            return "must be true or false: " + e.getMessage();
        }
    }

    private static boolean hasRef(Object v) {
        return v instanceof String s && !Reference.findAll(s).isEmpty();
    }

    /** Checks one reference; returns whether it names a secret param. */
    private boolean checkReference(String step, Reference r, Location at, int own, boolean mayUseOwn) {
        String shape = r.shapeProblem();
        if (shape != null) {
            problems.add(new Problem(at, step, "bad reference ${" + r.text() + "}", shape));
            return false;
        }
        switch (r.kind()) {
            case "params" -> {
                ParamSpec p = rb.params().get(r.name());
                if (p == null) {
                    String near = Suggest.closest(r.name(), rb.params().keySet());
                    problems.add(new Problem(at, step, "reference to unknown param '" + r.name() + "'",
                            near != null ? "did you mean '" + near + "'?" : "declare it under 'params:'"));
                    return false;
                }
                return p.type() == InputType.SECRET;
            }
            case "host" -> {
                if (step == null || !inBlock.contains(step)) {
                    problems.add(new Problem(at, step, "${" + r.text() + "} outside a hosts: block: only steps "
                            + "that run per host know a host", "move the step into a 'hosts:' block of 'steps'"));
                }
                return false;
            }
            case "steps" -> {
                Integer target = order.get(r.name());
                if (target == null) {
                    problems.add(new Problem(at, step, "reference to unknown step '" + r.name() + "'",
                            "check the step id"));
                } else if (target > own || target == own && !mayUseOwn) {
                    problems.add(new Problem(at, step, "reference to step '" + r.name()
                            + "', which has not run yet at this point", "only earlier steps' outputs can be used"));
                }
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private void checkCondition(StepDef s, String ptr) {
        Set<List<String>> vars;
        try {
            vars = Conditions.compile(s.when());
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(tree.at(ptr), s.id(), "condition does not parse: " + e.getMessage(),
                    "write e.g. params.mode == 'aws' (no method calls or assignments)"));
            return;
        }
        for (List<String> v : vars) {
            String root = v.get(0);
            if (root.equals("host") && inBlock.contains(s.id())) {
                continue; // the host's name and values, checked against the inventory
            }
            if (!Set.of("params", "env", "steps", "run").contains(root)) {
                problems.add(new Problem(tree.at(ptr), s.id(), "condition uses unknown variable '" + root + "'",
                        "use params, env, steps or run"));
            } else if (root.equals("params") && v.size() > 1 && !rb.params().containsKey(v.get(1))) {
                problems.add(new Problem(tree.at(ptr), s.id(), "condition uses unknown param '" + v.get(1) + "'",
                        "declare it under 'params:'"));
            } else if (root.equals("steps") && v.size() > 1 && rb.step(v.get(1)).isEmpty()) {
                problems.add(new Problem(tree.at(ptr), s.id(), "condition reads step '" + v.get(1) + "', which "
                        + "the runbook does not have, so it would fail every time it is evaluated",
                        "name a step that runs before '" + s.id() + "'"));
            } else if (root.equals("run") && v.size() > 1 && !Set.of("id", "dir").contains(v.get(1))) {
                problems.add(new Problem(tree.at(ptr), s.id(), "condition reads run." + v.get(1) + ", which does not "
                        + "exist, so it would fail every time it is evaluated", "use run.id or run.dir"));
            } else if (v.size() == 1 && !root.equals("params") && !root.equals("env")) {
                problems.add(new Problem(tree.at(ptr), s.id(), "condition reads '" + root + "' as a whole; it "
                        + "would never be true", "compare one of its fields, e.g. steps['id'].status"));
            }
        }
    }

    static void collectStrings(Object v, List<String> out) {
        if (v instanceof String s) {
            out.add(s);
        } else if (v instanceof Map<?, ?> m) {
            m.values().forEach(x -> collectStrings(x, out));
        } else if (v instanceof List<?> l) {
            l.forEach(x -> collectStrings(x, out));
        }
    }
}
