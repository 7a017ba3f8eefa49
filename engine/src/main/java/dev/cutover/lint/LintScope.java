package dev.cutover.lint;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.Conditions;
import dev.cutover.runbook.Reference;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.StepDef;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepType;
import dev.cutover.spi.Traits;
import dev.cutover.spi.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the lints know about a runbook in one environment: each step's traits, and whether its
 * {@code when:} lets it run. A condition that reads only params and environment variables is
 * decided with the values given; any other condition (one reading step outputs) may go either way.
 */
final class LintScope {
    private final Runbook rb;
    private final StepTypeRegistry registry;
    private final Map<String, Object> params;
    private final Map<String, String> env;

    LintScope(Runbook rb, StepTypeRegistry registry, Map<String, Object> params, Map<String, String> env) {
        this.rb = rb;
        this.registry = registry;
        this.params = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (v != null && !(v instanceof Secret)) {
                this.params.put(k, v);
            }
        });
        this.env = env;
    }

    Runbook runbook() {
        return rb;
    }

    Optional<StepType> type(String uses) {
        return registry.find(uses);
    }

    /** Whether the step may run here: no condition, a condition true here, or one that cannot be decided now. */
    boolean mayRun(StepDef s) {
        return decide(s.when()).orElse(true);
    }

    /** Whether the step certainly runs (when its section is reached): no condition, or one true here. */
    boolean surelyRuns(StepDef s) {
        return decide(s.when()).orElse(false);
    }

    /** A condition's value when it reads only params and environment variables; empty otherwise. */
    Optional<Boolean> decide(String when) {
        if (when == null) {
            return Optional.of(true);
        }
        Set<List<String>> vars;
        try {
            vars = Conditions.compile(when);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (List<String> v : vars) {
            boolean known = v.size() > 1 && (v.get(0).equals("params") && params.containsKey(v.get(1))
                    || v.get(0).equals("env"));
            if (!known) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Conditions.evaluate(when, Map.of("params", params, "env", new LinkedHashMap<>(env))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The step's traits with {@code {input}} placeholders filled from its inputs ({@code restarts:payment-service}).
     * Step types declare traits; a runbook adds its own on a step with {@code restarts:} / {@code changes:}.
     */
    Set<String> traits(StepDef s) {
        Set<String> out = new LinkedHashSet<>();
        type(s.uses()).ifPresent(t -> {
            for (String trait : t.traits()) {
                out.add(Traits.fill(trait, k -> s.with().containsKey(k) ? resolve(String.valueOf(s.with().get(k))) : null));
            }
        });
        out.addAll(s.traits());
        return out;
    }

    boolean has(StepDef s, String prefix) {
        return traits(s).stream().anyMatch(t -> t.startsWith(prefix));
    }

    boolean restarts(StepDef s) {
        return has(s, "restarts:") || has(s, "reloads:");
    }

    /** Replaces {@code ${params.x}} with its value where known, so that equal paths compare equal. */
    String resolve(String text) {
        return Reference.substitute(text, r -> {
            Object v = r.kind().equals("params") ? params.get(r.name()) : null;
            return v == null || v instanceof Map || v instanceof List ? null : String.valueOf(v);
        });
    }

    /** A raw input's value as a boolean, when it is a literal or a known param; empty otherwise. */
    Optional<Boolean> bool(Object raw) {
        return Values.parseBoolean(raw instanceof String s ? resolve(s) : raw);
    }

    /** Every string inside a raw value (maps and lists walked), params resolved. */
    List<String> strings(Object raw) {
        List<String> out = new ArrayList<>();
        collect(raw, out);
        return out;
    }

    private void collect(Object v, List<String> out) {
        if (v instanceof String s) {
            Object whole = Reference.isWhole(s) && Reference.findAll(s).get(0).kind().equals("params")
                    ? params.get(Reference.findAll(s).get(0).name()) : null;
            if (whole instanceof List<?> l) {
                l.forEach(x -> out.add(String.valueOf(x)));
            } else {
                out.add(resolve(s));
            }
        } else if (v instanceof Map<?, ?> m) {
            m.values().forEach(x -> collect(x, out));
        } else if (v instanceof List<?> l) {
            l.forEach(x -> collect(x, out));
        } else if (v != null) {
            out.add(String.valueOf(v));
        }
    }
}
