package dev.cutover.drift;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.run.Abort;
import dev.cutover.run.Engine;
import dev.cutover.run.RunListener;
import dev.cutover.run.RunOptions;
import dev.cutover.run.RunOutcome;
import dev.cutover.run.StepOutcome;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import dev.cutover.secrets.CommandLines;
import dev.cutover.secrets.Masker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers a runbook's facts in one environment: runs every preflight step and every {@code fact: true}
 * step (all read-only) through the engine in plan mode, one after the other, without stopping at a
 * failed check, so that one failing check does not hide the facts after it. The run is journaled
 * like any plan.
 */
public final class FactGatherer {
    private final StepTypeRegistry registry;

    public FactGatherer(StepTypeRegistry registry) {
        this.registry = registry;
    }

    /**
     * The runbook drift runs: no preflight, and as its steps every preflight step and every read-only
     * {@code fact: true} step, each marked as a fact, so that a plan runs them all and changes nothing.
     */
    public Runbook factsRunbook(Runbook rb) {
        List<StepDef> facts = new ArrayList<>();
        for (StepDef s : rb.allSteps()) {
            boolean readOnly = registry.find(s.uses()).map(t -> t.readOnly(s.with())).orElse(false);
            if (readOnly && (s.section() == Section.PREFLIGHT || s.fact())) {
                facts.add(new StepDef(s.id(), s.uses(), s.description(), s.with(), s.timeout(), s.retry(), s.when(),
                        null, null, null, true, s.section(), s.location()));
            }
        }
        return new Runbook(rb.name(), rb.description(), rb.params(), List.of(), List.copyOf(facts), List.of(),
                List.of(), rb.file(), rb.sha256());
    }

    /** The ids of the steps {@link #gather} reports on, in order. */
    public List<String> factSteps(Runbook rb) {
        return factsRunbook(rb).steps().stream().map(StepDef::id).toList();
    }

    /**
     * Runs the facts of {@code rb} with {@code params} and returns them.
     *
     * @param options must be a dry run
     * @throws IOException when the run's journal cannot be created; nothing ran then
     */
    public EnvironmentFacts gather(String environment, Runbook rb, Map<String, Object> params, RunOptions options,
                                   Masker masker, RunListener listener) throws IOException {
        if (!options.dryRun()) {
            throw new IllegalArgumentException("facts are gathered in plan mode only");
        }
        Runbook facts = factsRunbook(rb);
        RunOutcome o = new Engine(registry).run(facts, params, options, masker, listener, new Abort());
        Map<String, StepFact> steps = new LinkedHashMap<>();
        for (StepOutcome s : o.steps()) {
            String status = switch (s.status()) {
                case SUCCEEDED, UNCHANGED -> StepFact.OK;
                case SKIPPED -> StepFact.SKIPPED;
                default -> StepFact.FAILED;
            };
            steps.put(s.id(), new StepFact(s.id(), status, s.status() == dev.cutover.run.StepStatus.FAILED
                    ? CommandLines.mask(s.message()) : "", CommandLines.maskMap(s.outputs())));
        }
        for (StepDef s : facts.steps()) {
            steps.putIfAbsent(s.id(), new StepFact(s.id(), StepFact.FAILED, "the step did not run ("
                    + o.status() + (o.reason().isEmpty() ? "" : ": " + o.reason()) + ")", Map.of()));
        }
        return new EnvironmentFacts(environment, "run " + o.runId(), steps);
    }
}
