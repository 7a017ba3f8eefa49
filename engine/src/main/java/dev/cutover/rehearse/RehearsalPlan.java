package dev.cutover.rehearse;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.Conditions;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.StepDef;
import dev.cutover.spi.Secret;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a rehearsal injects failures: after one chosen mutating step, after each one, or after the
 * last one and then forward again.
 *
 * @param targets    the steps to inject a failure after, in runbook order
 * @param notRun     mutating steps left out, each with the reason
 * @param applyAgain whether to run the runbook forward again after the rollback (apply-rollback-apply)
 */
public record RehearsalPlan(List<String> targets, List<String> notRun, boolean applyAgain) {

    public RehearsalPlan {
        targets = List.copyOf(targets);
        notRun = List.copyOf(notRun);
    }

    /** After {@code stepId} only. */
    public static RehearsalPlan failAt(Runbook rb, StepTypeRegistry registry, Map<String, Object> params,
                                       Map<String, String> env, String stepId) {
        Candidates c = candidates(rb, registry, params, env);
        if (!c.runnable().contains(stepId)) {
            throw new IllegalArgumentException(c.explain(stepId));
        }
        return new RehearsalPlan(List.of(stepId), List.of(), false);
    }

    /** After each mutating step that can run in this environment, each from a fresh run. */
    public static RehearsalPlan failEach(Runbook rb, StepTypeRegistry registry, Map<String, Object> params,
                                         Map<String, String> env) {
        Candidates c = candidates(rb, registry, params, env);
        if (c.runnable().isEmpty()) {
            throw new IllegalArgumentException("the runbook has no mutating step that runs in this environment; "
                    + "there is no rollback to rehearse");
        }
        return new RehearsalPlan(c.runnable(), c.skipped(), false);
    }

    /** After the last mutating step (everything applied, then rolled back), then forward again. */
    public static RehearsalPlan applyRollbackApply(Runbook rb, StepTypeRegistry registry, Map<String, Object> params,
                                                   Map<String, String> env) {
        Candidates c = candidates(rb, registry, params, env);
        if (c.runnable().isEmpty()) {
            throw new IllegalArgumentException("the runbook has no mutating step that runs in this environment");
        }
        return new RehearsalPlan(List.of(c.runnable().get(c.runnable().size() - 1)), c.skipped(), true);
    }

    private record Candidates(List<String> runnable, List<String> skipped, List<String> readOnly) {
        String explain(String id) {
            String which = "the mutating steps that run here: " + String.join(", ", runnable);
            if (readOnly.contains(id)) {
                return "step '" + id + "' changes nothing, so there is no rollback of it to rehearse; " + which;
            }
            if (skipped.stream().anyMatch(s -> s.startsWith(id + ":"))) {
                return "step '" + id + "' does not run in this environment (its 'when:' is false); " + which;
            }
            return "no step '" + id + "' in the 'steps' section; " + which;
        }
    }

    private static Candidates candidates(Runbook rb, StepTypeRegistry registry, Map<String, Object> params,
                                         Map<String, String> env) {
        List<String> runnable = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> readOnly = new ArrayList<>();
        for (StepDef s : rb.steps()) {
            boolean mutating = registry.find(s.uses()).map(t -> !t.readOnly(s.with())).orElse(false);
            if (!mutating) {
                readOnly.add(s.id());
            } else if (decide(s.when(), params, env).orElse(true)) {
                runnable.add(s.id());
            } else {
                skipped.add(s.id() + ": its condition (" + s.when() + ") is false in this environment");
            }
        }
        return new Candidates(runnable, skipped, readOnly);
    }

    /** A condition's value when it reads only params and environment variables; empty otherwise. */
    static Optional<Boolean> decide(String when, Map<String, Object> params, Map<String, String> env) {
        if (when == null) {
            return Optional.of(true);
        }
        Map<String, Object> plain = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (v != null && !(v instanceof Secret)) {
                plain.put(k, v);
            }
        });
        try {
            for (List<String> v : Conditions.compile(when)) {
                if (!(v.size() > 1 && (v.get(0).equals("params") && plain.containsKey(v.get(1)) || v.get(0).equals("env")))) {
                    return Optional.empty();
                }
            }
            return Optional.of(Conditions.evaluate(when, Map.of("params", plain, "env", new LinkedHashMap<>(env))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
