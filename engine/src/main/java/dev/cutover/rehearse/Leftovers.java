package dev.cutover.rehearse;

import dev.cutover.drift.Difference;
import dev.cutover.drift.EnvironmentFacts;
import dev.cutover.drift.Gap;
import dev.cutover.drift.StepFact;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Says in plain words what a rollback left different: "after rollback of step trust-target-ca: store
 * truststore.p12 still has 'Demo RDS Root CA RSA2048 G1' (truststore-entries)".
 */
public final class Leftovers {
    public static final String BEFORE = "before";
    public static final String AFTER = "after";

    private Leftovers() {
    }

    /**
     * The facts with the labels the comparison uses, and with a parsed HTTP body compared in its parsed
     * form only (the raw text repeats it, timings included).
     */
    public static EnvironmentFacts label(String name, EnvironmentFacts f) {
        Map<String, StepFact> steps = new LinkedHashMap<>();
        f.steps().forEach((id, s) -> {
            Map<String, Object> out = new LinkedHashMap<>(s.outputs());
            if (out.containsKey("json") && out.containsKey("body")) {
                out.remove("body");
            }
            steps.put(id, new StepFact(s.stepId(), s.status(), s.message(), out));
        });
        return new EnvironmentFacts(name, f.source(), steps);
    }

    public static List<String> describe(String injectedAt, List<Difference> diffs, List<Gap> gaps, EnvironmentFacts after) {
        String prefix = injectedAt == null ? "" : "after rollback of step " + injectedAt + ": ";
        List<String> out = new ArrayList<>();
        for (Difference d : diffs) {
            out.add(prefix + sentence(d, after));
        }
        for (Gap g : gaps) {
            out.add(prefix + "could not gather the facts of step '" + g.stepId() + "' " + (AFTER.equals(g.environment())
                    ? "after the rollback" : "before the run") + ": " + firstLine(g.message()));
        }
        return out;
    }

    static String sentence(Difference d, EnvironmentFacts after) {
        String key = d.key();
        String before = d.values().get(BEFORE);
        String now = d.values().get(AFTER);
        int dot = key.indexOf('.');
        String step = dot < 0 ? key : key.substring(0, dot);
        int bracket = key.indexOf('[');
        if (dot < 0) {
            StepFact f = after.steps().get(step);
            String msg = f != null && StepFact.FAILED.equals(f.status()) && !f.message().isEmpty()
                    ? " (" + firstLine(f.message()) + ")" : "";
            return "check '" + step + "' was " + (before == null ? "not run" : before) + " before and is "
                    + (now == null ? "not run" : now) + " now" + msg;
        }
        if (bracket > 0 && key.endsWith("]")) {
            String label = key.substring(bracket + 1, key.length() - 1);
            String what = holder(key.substring(0, bracket), step, after);
            if (before == null) {
                return what + " still has '" + label + "' (" + step + ")";
            }
            if (now == null) {
                return what + " no longer has '" + label + "' (" + step + ")";
            }
            return what + " entry '" + label + "' changed: " + before + " before, " + now + " now (" + step + ")";
        }
        return key + " was " + (before == null ? "absent" : before) + " before and is " + (now == null ? "absent"
                : now) + " now";
    }

    /** "store truststore.p12" when the step names the store it read; else the fact's key. */
    private static String holder(String path, String step, EnvironmentFacts after) {
        StepFact f = after.steps().get(step);
        Object store = f == null ? null : f.outputs().get("store");
        if (store instanceof String s && !s.isEmpty() && path.endsWith(".entries")) {
            Path p = Path.of(s).getFileName();
            return "store " + (p == null ? s : p.toString());
        }
        return path;
    }

    private static String firstLine(String m) {
        String s = m.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }
}
