package dev.cutover.lint;

import dev.cutover.runbook.Reference;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The lints about what rollback depends on: an undo that needs a file another step removes, and undo
 * or rollback steps that read the outputs of steps that may not have run.
 */
final class ReferenceLints {
    private final LintScope scope;
    private final Removals removals;

    ReferenceLints(LintScope scope) {
        this.scope = scope;
        this.removals = new Removals(scope);
    }

    List<Lint> check() {
        List<Lint> out = new ArrayList<>();
        List<StepDef> steps = scope.runbook().steps().stream().filter(scope::mayRun).toList();
        for (int i = 0; i < steps.size(); i++) {
            StepDef s = steps.get(i);
            if (s.undo() != null) {
                removedInputs(steps, i).ifPresent(out::add);
            }
        }
        for (StepDef s : steps) {
            if (s.undo() != null) {
                unrun(s, s.undo().with(), true).ifPresent(out::add);
            }
        }
        for (StepDef s : scope.runbook().rollback()) {
            if (scope.mayRun(s)) {
                unrun(s, s.with(), false).ifPresent(out::add);
            }
        }
        return out;
    }

    private Optional<Lint> removedInputs(List<StepDef> steps, int at) {
        StepDef s = steps.get(at);
        List<String> needed = removals.neededBy(s.undo().uses(), s.undo().with());
        for (int j = 0; j < steps.size(); j++) {
            StepDef r = steps.get(j);
            if (j == at) {
                continue;
            }
            for (String removed : removals.removedBy(r)) {
                for (String need : needed) {
                    if (Removals.covers(removed, need) && (j > at || !recreatedBetween(steps, j, at, need))) {
                        String when = j > at ? "later" : "earlier";
                        return Optional.of(new Lint(RunbookLinter.UNDO_NEEDS_REMOVED_INPUT, s.location(),
                                j > at ? List.of(s.id(), r.id()) : List.of(r.id(), s.id()),
                                "the undo of '" + s.id() + "' needs " + need + ", which the " + when + " step '" + r.id()
                                        + "' removes, so the rollback fails exactly when it is needed",
                                "keep " + need + " until the run is over: remove it in a later change, or take the "
                                        + "backup inside the run directory (${run.dir}) and drop the step that deletes it"));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Whether a step after the remover and before the undoing step mentions the path (and may create it again). */
    private boolean recreatedBetween(List<StepDef> steps, int remover, int owner, String path) {
        for (StepDef m : steps.subList(remover + 1, owner)) {
            if (scope.strings(m.with()).stream().anyMatch(x -> x.contains(path))) {
                return true;
            }
        }
        return false;
    }

    private Optional<Lint> unrun(StepDef s, Map<String, Object> with, boolean undo) {
        Set<String> risky = new LinkedHashSet<>();
        Set<String> guarded = guardedBy(s.when());
        for (String text : rawStrings(with)) {
            for (Reference r : Reference.findAll(text)) {
                if (!r.kind().equals("steps") || r.name().equals(s.id()) || guarded.contains(r.name())) {
                    continue;
                }
                scope.runbook().step(r.name()).filter(t -> mayBeUnrun(t, s, undo)).ifPresent(t -> risky.add(t.id()));
            }
        }
        if (risky.isEmpty()) {
            return Optional.empty();
        }
        List<String> ids = new ArrayList<>(risky);
        ids.add(s.id());
        String where = undo ? "the undo of '" + s.id() + "'" : "rollback step '" + s.id() + "'";
        return Optional.of(new Lint(RunbookLinter.ROLLBACK_USES_UNRUN_OUTPUTS, undo ? s.undo().location() : s.location(),
                ids, where + " reads the outputs of " + String.join(", ", risky.stream().map(x -> "'" + x + "'").toList())
                        + ", which may not have run when the rollback starts, so the rollback itself fails",
                undo ? "read only this step's own outputs or those of earlier steps that always run with it (no other "
                        + "'when:')" : "read only preflight outputs in 'rollback', or guard the step with "
                        + "when: \"steps['ID'].status == 'SUCCEEDED'\""));
    }

    /**
     * Whether {@code target}'s outputs may be missing when {@code reader} runs. For an undo: the target may
     * be skipped by its condition when the reader's step ran. For a rollback step: any step of 'steps'
     * or 'validate' (the failure may come first), or a conditional preflight or rollback step.
     */
    private boolean mayBeUnrun(StepDef target, StepDef reader, boolean undo) {
        boolean conditional = !scope.surelyRuns(target) && !(target.when() != null
                && target.when().equals(reader.when()) && scope.decide(target.when()).isEmpty());
        if (undo) {
            return conditional;
        }
        return target.section() == Section.STEPS || target.section() == Section.VALIDATE || conditional;
    }

    /** Step ids a condition reads ({@code steps['x'].status}, {@code steps.x.status}): the step is guarded by them. */
    private static Set<String> guardedBy(String when) {
        Set<String> out = new LinkedHashSet<>();
        if (when == null) {
            return out;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("steps(?:\\[['\"]([^'\"]+)['\"]]|\\.([A-Za-z0-9_-]+))")
                .matcher(when);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    private static List<String> rawStrings(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            out.add(s);
        } else if (v instanceof Map<?, ?> m) {
            m.values().forEach(x -> out.addAll(rawStrings(x)));
        } else if (v instanceof List<?> l) {
            l.forEach(x -> out.addAll(rawStrings(x)));
        }
        return out;
    }
}
