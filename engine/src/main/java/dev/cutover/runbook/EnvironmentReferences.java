package dev.cutover.runbook;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The environment variables a runbook reads ({@code ${env.NAME}} in inputs, undos, probes and the lock
 * key; {@code env.NAME} in conditions) that are not set: a load error, so a run never stops half-way at
 * the first step that reads one, after earlier steps changed things.
 */
final class EnvironmentReferences {
    private EnvironmentReferences() {
    }

    static List<Problem> unset(Runbook rb, Map<String, String> env) {
        List<Problem> out = new ArrayList<>();
        if (rb.policy() != null && rb.policy().lock() != null) {
            for (String name : names(rb.policy().lock())) {
                if (!env.containsKey(name)) {
                    out.add(new Problem(Location.unknown(rb.file()), null, "the lock key reads ${env." + name
                            + "}, which is not set", "export " + name + " before running, or use a param"));
                }
            }
        }
        for (StepDef s : rb.allSteps()) {
            Set<String> names = new LinkedHashSet<>(names(s.with()));
            if (s.undo() != null) {
                names.addAll(names(s.undo().with()));
            }
            if (s.probe() != null) {
                names.addAll(names(s.probe().with()));
            }
            if (s.when() != null) {
                try {
                    for (List<String> v : Conditions.compile(s.when())) {
                        if (v.size() > 1 && v.get(0).equals("env")) {
                            names.add(v.get(1));
                        }
                    }
                } catch (IllegalArgumentException e) {
                    // the checker reports a condition that does not parse
                }
            }
            for (String name : names) {
                if (!env.containsKey(name)) {
                    out.add(new Problem(s.location(), s.id(), "reads the environment variable " + name
                            + ", which is not set; the step would fail after the steps before it changed things",
                            "export " + name + " before running, or pass the value as a param"));
                }
            }
        }
        return out;
    }

    private static Set<String> names(Object value) {
        Set<String> out = new LinkedHashSet<>();
        collect(value, out);
        return out;
    }

    private static void collect(Object value, Set<String> out) {
        if (value instanceof String s) {
            for (Reference r : Reference.findAll(s)) {
                if (r.kind().equals("env")) {
                    out.add(r.name());
                }
            }
        } else if (value instanceof Map<?, ?> m) {
            m.values().forEach(v -> collect(v, out));
        } else if (value instanceof List<?> l) {
            l.forEach(v -> collect(v, out));
        }
    }
}
