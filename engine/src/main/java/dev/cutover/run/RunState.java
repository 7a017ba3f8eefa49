package dev.cutover.run;

import dev.cutover.drift.StepFact;
import dev.cutover.journal.EventType;
import dev.cutover.journal.Journal;
import dev.cutover.runbook.Conditions;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepType;
import dev.cutover.spi.Undoable;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The state of one run: what ran, what it produced, what must be undone, and the facts before the change. */
final class RunState {
    private final Runbook rb;
    private final Map<String, Object> params;
    private final RunOptions options;
    private final StepRunner runner;
    private final List<StepOutcome> outcomes = new ArrayList<>();
    private final Map<String, Map<String, Object>> outputs = new LinkedHashMap<>();
    private final Map<String, Object> stepVars = new LinkedHashMap<>();
    private final List<Executed> completed = new ArrayList<>();
    private final Map<String, StepFact> factsBefore = new LinkedHashMap<>();
    private final Set<String> skip = new HashSet<>();
    private final Set<String> alreadyUndone = new HashSet<>();
    private Path interpolationRunDir;
    private String interpolationRunId;
    private boolean refused;
    /** The run's hosts: blocks, or null (a runbook without them, or this is one host's state). */
    private FleetRun fleet;
    /** Whether this is one fleet host's state (its runner works on that host). */
    private final boolean forHost;

    RunState(Runbook rb, Map<String, Object> params, RunOptions options, StepRunner runner) {
        this(rb, params, options, runner, false);
    }

    private RunState(Runbook rb, Map<String, Object> params, RunOptions options, StepRunner runner, boolean forHost) {
        this.rb = rb;
        this.params = params;
        this.options = options;
        this.runner = runner;
        this.forHost = forHost;
    }

    /** Runs the runbook's {@code hosts:} blocks through these transports (a run; not a resume yet). */
    void useFleet(Connectors connectors) {
        if (rb.hasFleet() && !forHost) {
            fleet = new FleetRun(this, connectors);
        } else {
            connectors.close();
        }
    }

    /** A fleet host's state: its own runner (on that host), outputs and changes; the global outputs so far. */
    RunState forHost(StepRunner hostRunner) {
        RunState h = new RunState(rb, params, options, hostRunner, true);
        h.outputs.putAll(outputs);
        h.stepVars.putAll(stepVars);
        h.interpolationRunDir = interpolationRunDir;
        h.interpolationRunId = interpolationRunId;
        return h;
    }

    /** The run's fleet, or null. */
    FleetRun fleet() {
        return fleet;
    }

    RunContext rc() {
        return runner.context();
    }

    /** Steps already finished before a crash: not run again on resume. */
    void skip(Collection<String> ids) {
        skip.addAll(ids);
    }

    /** Steps already undone before a crash. */
    void alreadyUndone(Collection<String> ids) {
        alreadyUndone.addAll(ids);
    }

    Set<String> alreadyUndone() {
        return alreadyUndone;
    }

    /**
     * Resolves {@code ${run.id}} and {@code ${run.dir}} as another run's (a later rollback resolves what it
     * must resolve again with the values of the run it undoes).
     */
    void interpolateAs(String runId, Path runDir) {
        this.interpolationRunId = runId;
        this.interpolationRunDir = runDir;
    }

    /** Restores a step's outputs from the journal (resume, later rollback). */
    void restoreOutputs(String id, Map<String, Object> out) {
        outputs.put(id, out);
        stepVars.put(id, Map.of("outputs", out, "status", "SUCCEEDED"));
    }

    /** Restores the facts preflight gathered before the change (resume, later rollback). */
    void restoreFacts(Map<String, StepFact> facts) {
        factsBefore.putAll(facts);
    }

    Map<String, StepFact> factsBefore() {
        return factsBefore;
    }

    boolean refused() {
        return refused;
    }

    void addCompleted(Executed ex) {
        completed.add(ex);
    }

    /** Steps then validate, rolling back on failure (also used on resume). */
    RunOutcome forward(Instant started) {
        String failure = runSection(Section.STEPS, true);
        if (failure == null) {
            failure = runSection(Section.VALIDATE, true);
        }
        if (failure == null) {
            return done(started, RunStatus.SUCCEEDED, "", List.of(), "");
        }
        return new Rollback(this).run(started, failure);
    }

    RunOutcome execute(Instant started) {
        String failure = runSection(Section.PREFLIGHT, true);
        if (failure == null && fleet != null) {
            failure = fleet.preflight(); // every host reached and checked before anything changes anywhere
        }
        if (failure != null) {
            return done(started, RunStatus.PREFLIGHT_FAILED, failure, List.of(), "");
        }
        if (options.dryRun()) {
            plan(Section.STEPS);
            if (fleet != null) {
                fleet.plan();
            }
            plan(Section.VALIDATE);
            plan(Section.ROLLBACK);
            return done(started, RunStatus.PLANNED, "", List.of(), "");
        }
        return forward(started);
    }

    /** Runs a section; returns the failure reason, or null. */
    String runSection(Section section, boolean honourAbort) {
        return runSection(section, section.key(), rb.section(section), honourAbort);
    }

    String runSection(Section section, String name, List<StepDef> steps, boolean honourAbort) {
        if (steps.isEmpty() && (fleet == null || section != Section.STEPS)) {
            return null;
        }
        boolean blocks = fleet != null && section == Section.STEPS && name.equals(section.key());
        if (!forHost && fleet == null && rb.hasFleet() && section == Section.STEPS) {
            return "this runbook's hosts: blocks cannot run here (resuming or re-running a fleet run is not supported "
                    + "yet); check the hosts with 'cutover report " + rc().runId() + "'";
        }
        if (!forHost) {
            rc().listener().sectionStarted(name);
        }
        for (int at = 0; at <= steps.size(); at++) {
            if (blocks) {
                String f = fleet.runBlocksAt(at);
                if (f != null) {
                    return f;
                }
            }
            if (at == steps.size()) {
                break;
            }
            StepDef step = steps.get(at);
            if (skip.contains(step.id()) && section == Section.STEPS) {
                continue;
            }
            if (honourAbort && rc().abort().requested()) {
                return rc().abort().describe("aborted") + " before step '" + step.id() + "'";
            }
            List<String> ahead = steps.subList(at + 1, steps.size()).stream()
                    .map(x -> x.id() + " (" + x.uses() + ")").toList();
            Executed ex = executeStep(step, name, honourAbort, ahead);
            if (ex.refused()) {
                refused = true;
            }
            if (ex.outcome().status() == StepStatus.FAILED) {
                return name + " step '" + step.id() + "' failed: " + ex.outcome().message();
            }
            if (section == Section.STEPS && step.id().equals(options.failAfterStep())) {
                rc().journal().append(EventType.FAULT_INJECTED, step.id(), name, null, Map.of("reason",
                        "rehearsal: failure injected after this step completed"));
                return "rehearsal: failure injected after step '" + step.id() + "'";
            }
        }
        return null;
    }

    Executed executeStep(StepDef step, String sectionName, boolean honourAbort, List<String> ahead) {
        Executed ex = runner.run(step, sectionName, interpolator(), conditionVars(), honourAbort, ahead);
        outcomes.add(ex.outcome());
        StepStatus st = ex.outcome().status();
        if (st == StepStatus.SUCCEEDED || st == StepStatus.UNCHANGED) {
            outputs.put(step.id(), ex.outcome().outputs());
            stepVars.put(step.id(), Map.of("outputs", ex.outcome().outputs(), "status", st.name()));
        } else {
            stepVars.put(step.id(), Map.of("outputs", Map.of(), "status", st.name()));
        }
        if (step.section() == Section.STEPS && ex.mutating() && ex.mayHaveChanged()) {
            completed.add(ex);
        }
        if (step.section() == Section.PREFLIGHT && "preflight".equals(sectionName)) {
            factsBefore.put(step.id(), fact(ex.outcome()));
        }
        return ex;
    }

    static StepFact fact(StepOutcome o) {
        String status = switch (o.status()) {
            case SUCCEEDED, UNCHANGED -> StepFact.OK;
            case SKIPPED -> StepFact.SKIPPED;
            default -> StepFact.FAILED;
        };
        return new StepFact(o.id(), status, o.status() == StepStatus.FAILED ? o.message() : "", o.outputs());
    }

    Interpolator interpolator() {
        return new Interpolator(params, options.environmentVariables(), outputs,
                interpolationRunId != null ? interpolationRunId : rc().runId(),
                interpolationRunDir != null ? interpolationRunDir : rc().runDir(), rc().masker(),
                forHost ? runner.host() : null);
    }

    Map<String, Object> conditionVars() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("params", params);
        v.put("env", new LinkedHashMap<>(options.environmentVariables()));
        v.put("steps", stepVars);
        v.put("run", Map.of("id", rc().runId(), "dir", rc().runDir().toString()));
        if (forHost) {
            Map<String, Object> h = new LinkedHashMap<>(runner.host().values());
            h.put("name", runner.host().name());
            v.put("host", h);
        }
        return v;
    }

    /** {@code cutover plan}: what each step would do, honouring {@code when:}; facts run for real. */
    private void plan(Section section) {
        List<StepDef> steps = rb.section(section);
        if (steps.isEmpty()) {
            return;
        }
        rc().listener().sectionStarted(section.key());
        for (StepDef step : steps) {
            StepType type = runner.type(step.uses());
            boolean readOnly = type.readOnly(step.with());
            if (step.fact() && readOnly) {
                executeStep(step, section.key(), true, List.of());
                continue;
            }
            String skipped = planCondition(step);
            if (skipped != null && skipped.startsWith("condition false")) {
                rc().journal().append(EventType.STEP_SKIPPED, step.id(), section.key(), null, Map.of("when",
                        step.when(), "reason", "condition is false", "plan", true));
                rc().listener().planned(section.key(), step.id(), "would skip: " + skipped, List.of());
                outcomes.add(new StepOutcome(step.id(), section.key(), StepStatus.SKIPPED, 0, 0,
                        "would skip: " + skipped, Map.of()));
                continue;
            }
            Plan plan;
            if (section.readOnly()) {
                plan = Plan.of("would check with " + step.uses() + " after the change");
            } else {
                try {
                    Map<String, Object> in = StepRunner.withDefaults(type, interpolator().resolveAll(step.with()));
                    plan = type.plan(runner.contextFor(step.id(), section.key(), in, step.timeout(), true,
                            List.of()));
                } catch (StepFailedException e) {
                    plan = Plan.of("would run " + step.uses() + " (" + rc().masker().mask(e.getMessage()) + ")");
                } catch (RuntimeException e) {
                    plan = Plan.of("would run " + step.uses() + " (cannot plan: " + e.getClass().getSimpleName()
                            + ")");
                }
            }
            if (skipped != null) {
                plan = Plan.of(plan.summary() + " (" + skipped + ")", plan.changes());
            }
            String undo = step.undo() != null ? "undo: " + step.undo().uses()
                    : step.noUndo() != null ? "no undo: " + step.noUndo()
                    : type instanceof Undoable && !readOnly ? "undo: built-in" : "";
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("uses", step.uses());
            data.put("summary", plan.summary());
            data.put("changes", plan.changes());
            data.put("undo", undo);
            rc().journal().append(EventType.STEP_PLANNED, step.id(), section.key(), null, data);
            rc().listener().planned(section.key(), step.id(), rc().masker().mask(plan.summary()),
                    plan.changes().stream().map(rc().masker()::mask).toList());
            // later steps' plans read this step's declared outputs as placeholders ("<backup of step 'x'>")
            Map<String, Object> placeholders = new LinkedHashMap<>();
            type.outputs().forEach(out -> placeholders.put(out.name(), "<" + out.name() + " of step '" + step.id()
                    + "'>"));
            outputs.putIfAbsent(step.id(), placeholders);
            outcomes.add(new StepOutcome(step.id(), section.key(), StepStatus.PLANNED, 0, 0,
                    rc().masker().mask(plan.summary()), Map.of()));
        }
    }

    /**
     * A step's condition in a plan: null when it has none or it is true; "condition false: EXPR" when it
     * is false now; "decided at run time: ..." when it reads what only the run produces.
     */
    private String planCondition(StepDef step) {
        if (step.when() == null) {
            return null;
        }
        try {
            return Conditions.evaluate(step.when(), conditionVars()) ? null : "condition false: " + step.when();
        } catch (IllegalArgumentException e) {
            return "decided at run time: " + step.when();
        }
    }

    RunOutcome done(Instant started, RunStatus status, String reason, List<String> manual, String revalidation) {
        outcomes.addAll(runner.drainUndoOutcomes());
        List<HostResult> hosts = List.of();
        if (fleet != null) {
            hosts = fleet.results();
            fleet.close();
        }
        return new RunOutcome(rc().runId(), status, rc().runDir(), started, Instant.now(), List.copyOf(outcomes),
                rc().masker().mask(reason), manual, revalidation, hosts);
    }

    Runbook runbook() {
        return rb;
    }

    Map<String, Object> params() {
        return params;
    }

    RunOptions options() {
        return options;
    }

    Journal journal() {
        return rc().journal();
    }

    List<Executed> completed() {
        return completed;
    }

    StepRunner runner() {
        return runner;
    }

    Masker masker() {
        return rc().masker();
    }

    List<StepOutcome> outcomes() {
        return outcomes;
    }
}
