package dev.cutover.run;

import dev.cutover.drift.DriftComparer;
import dev.cutover.drift.DriftReport;
import dev.cutover.drift.EnvironmentFacts;
import dev.cutover.drift.StepFact;
import dev.cutover.journal.Payload;
import dev.cutover.rehearse.Leftovers;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proves, after a rollback, that the system is back: runs the preflight checks again and compares their
 * facts with those journaled before the change (as {@code cutover rehearse} does), then runs the validate
 * steps that declare themselves health checks ({@code revalidate: true}). It never re-asserts the new
 * state: a check that the database is on the target CA must fail after a correct rollback, so validate
 * steps without {@code revalidate: true} do not run again. A re-validation that checked nothing says so.
 */
final class Revalidation {

    /**
     * What re-validation found.
     *
     * @param problems what is not back, one sentence each; empty when proven
     * @param summary  one line for the console and the report
     * @param checked  how many checks ran
     */
    record Result(List<String> problems, String summary, int checked) {
        boolean proven() {
            return problems.isEmpty() && checked > 0;
        }
    }

    private final RunState s;
    private final List<StepDef> preflightSteps;
    private final List<StepDef> healthSteps;

    Revalidation(RunState s) {
        this(s, s.runbook().preflight(), s.runbook().validate().stream().filter(StepDef::revalidate).toList());
    }

    /** With these checks (a fleet host's: its blocks' preflight and {@code revalidate: true} checks). */
    Revalidation(RunState s, List<StepDef> preflight, List<StepDef> health) {
        this.s = s;
        this.preflightSteps = List.copyOf(preflight);
        this.healthSteps = List.copyOf(health);
    }

    Result run() {
        List<StepDef> preflight = preflightSteps.stream().filter(p -> s.runner().readOnly(p)).toList();
        List<StepDef> health = healthSteps;
        List<String> problems = new ArrayList<>();
        int checked = 0;
        int compared = 0;
        if (!preflight.isEmpty()) {
            s.rc().listener().sectionStarted("revalidate");
            Map<String, StepFact> after = new LinkedHashMap<>();
            for (StepDef p : preflight) {
                // every check runs, even after one fails, so one failure does not hide the facts after it
                after.put(p.id(), RunState.fact(s.executeStep(p, "revalidate", false, List.of()).outcome()));
            }
            checked += (int) after.values().stream().filter(f -> !StepFact.SKIPPED.equals(f.status())).count();
            Map<String, StepFact> before = new LinkedHashMap<>();
            for (StepDef p : preflight) {
                StepFact b = s.factsBefore().get(p.id());
                before.put(p.id(), b != null ? b : new StepFact(p.id(), StepFact.FAILED,
                        "no facts were journaled before the change", Map.of()));
            }
            EnvironmentFacts b = Leftovers.label(Leftovers.BEFORE, new EnvironmentFacts(Leftovers.BEFORE,
                    "before the change", before));
            EnvironmentFacts a = Leftovers.label(Leftovers.AFTER, new EnvironmentFacts(Leftovers.AFTER,
                    "after the rollback", after));
            DriftReport report = new DriftComparer(DriftComparer.DEFAULT_IGNORES).compare(List.of(b, a));
            compared = report.compared();
            problems.addAll(Leftovers.describe(null, report.differences(), report.gaps(), a));
        }
        if (!health.isEmpty()) {
            int from = s.outcomes().size();
            String failed = s.runSection(Section.VALIDATE, "revalidate", health, false);
            checked += (int) s.outcomes().subList(from, s.outcomes().size()).stream()
                    .filter(o -> o.status() != StepStatus.SKIPPED).count();
            if (failed != null) {
                problems.add("health check failed after the rollback: " + failed);
            }
        }
        String summary;
        if (checked == 0) {
            summary = "NOT PROVEN: re-validation checked nothing (the runbook has no preflight checks and no "
                    + "validate step with revalidate: true); check the system by hand";
        } else if (problems.isEmpty()) {
            summary = "proven: " + preflight.size() + " preflight check(s) match the facts before the change ("
                    + compared + " facts compared)" + (health.isEmpty() ? "" : ", " + health.size()
                    + " health check(s) passed");
        } else {
            summary = "NOT PROVEN: " + problems.size() + " problem(s) after the rollback";
        }
        s.journal().append(null, "revalidate", null, new Payload.RevalidationFinished(checked > 0 && problems.isEmpty(),
                checked, compared, preflight.stream().map(StepDef::id).toList(),
                health.stream().map(StepDef::id).toList(), problems, summary));
        s.rc().listener().note("revalidate", summary);
        return new Result(List.copyOf(problems), summary, checked);
    }
}
