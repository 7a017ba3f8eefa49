package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepType;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The mutable state of one run. */
final class RunState {
    private final Runbook rb;
    private final Map<String, Object> params;
    private final RunOptions options;
    private final Masker masker;
    private final RunListener listener;
    private final Abort abort;
    private final Journal journal;
    private final Path runDir;
    private final String runId;
    private final StepExecutor executor;
    private final StepTypeRegistry registry;
    private final List<StepOutcome> outcomes = new ArrayList<>();
    private final Map<String, Map<String, Object>> outputs = new LinkedHashMap<>();
    private final Map<String, Object> stepVars = new LinkedHashMap<>();
    private final List<StepExecutor.Executed> completed = new ArrayList<>();
    private boolean refused;
    private final java.util.Set<String> skip = new java.util.HashSet<>();
    private final java.util.Set<String> alreadyUndone = new java.util.HashSet<>();

    /** Steps already finished before a crash: not run again on resume. */
    void skip(java.util.Collection<String> ids) {
        skip.addAll(ids);
    }

    /** Steps already undone before a crash. */
    void alreadyUndone(java.util.Collection<String> ids) {
        alreadyUndone.addAll(ids);
    }

    java.util.Set<String> alreadyUndone() {
        return alreadyUndone;
    }

    /** Restores a step's outputs from the journal (resume, later rollback). */
    void restoreOutputs(String id, Map<String, Object> out) {
        outputs.put(id, out);
        stepVars.put(id, Map.of("outputs", out, "status", "SUCCEEDED"));
    }

    boolean refused() {
        return refused;
    }

    RunState(Runbook rb, Map<String, Object> params, RunOptions options, Masker masker, RunListener listener,
             Abort abort, Journal journal, Path runDir, String runId, StepExecutor executor,
             StepTypeRegistry registry) {
        this.rb = rb;
        this.params = params;
        this.options = options;
        this.masker = masker;
        this.listener = listener;
        this.abort = abort;
        this.journal = journal;
        this.runDir = runDir;
        this.runId = runId;
        this.executor = executor;
        this.registry = registry;
    }

    void addCompleted(StepExecutor.Executed ex) {
        completed.add(ex);
    }

    /** Steps then validate, rolling back on failure (also used on resume). */
    RunOutcome forward(Instant started) {
        String failure = runSection(Section.STEPS, "steps", true);
        if (failure == null) {
            failure = runSection(Section.VALIDATE, "validate", true);
        }
        if (failure == null) {
            return done(started, RunStatus.SUCCEEDED, "", List.of());
        }
        return new Rollback(this).run(started, failure);
    }

    RunOutcome execute(Instant started) {
        String failure = runSection(Section.PREFLIGHT, "preflight", true);
        if (failure != null) {
            return done(started, RunStatus.PREFLIGHT_FAILED, failure, List.of());
        }
        if (options.dryRun()) {
            plan(Section.STEPS);
            plan(Section.VALIDATE);
            plan(Section.ROLLBACK);
            return done(started, RunStatus.PLANNED, "", List.of());
        }
        return forward(started);
    }

    /** Runs a section; returns the failure reason, or null. */
    String runSection(Section section, String name, boolean honourAbort) {
        List<StepDef> steps = rb.section(section);
        if (steps.isEmpty()) {
            return null;
        }
        listener.sectionStarted(name);
        for (StepDef step : steps) {
            if (skip.contains(step.id()) && section == Section.STEPS) {
                continue;
            }
            if (honourAbort && abort.requested()) {
                return "aborted by the operator before step '" + step.id() + "'";
            }
            int at = steps.indexOf(step);
            List<String> ahead = steps.subList(at + 1, steps.size()).stream()
                    .map(x -> x.id() + " (" + x.uses() + ")").toList();
            StepExecutor.Executed ex = executeStep(step, name, honourAbort, ahead);
            if (ex.outcome().message().startsWith(StepExecutor.REFUSED_PREFIX)) {
                refused = true;
            }
            if (ex.outcome().status() == StepStatus.FAILED) {
                if (ex.mutating() && ex.intentRecorded() && section == Section.STEPS) {
                    journal.append("step.in-doubt", step.id(), name, null, Map.of("reason",
                            "the step failed after recording its intent; it is not undone automatically",
                            "undo", ex.intent().data()));
                }
                return name + " step '" + step.id() + "' failed: " + ex.outcome().message();
            }
            if (section == Section.STEPS && step.id().equals(options.failAfterStep())) {
                journal.append("fault.injected", step.id(), name, null, Map.of("reason",
                        "rehearsal: failure injected after this step completed"));
                return "rehearsal: failure injected after step '" + step.id() + "'";
            }
        }
        return null;
    }

    StepExecutor.Executed executeStep(StepDef step, String sectionName, boolean honourAbort) {
        return executeStep(step, sectionName, honourAbort, List.of());
    }

    StepExecutor.Executed executeStep(StepDef step, String sectionName, boolean honourAbort, List<String> ahead) {
        StepType type = registry.find(step.uses()).orElseThrow();
        StepExecutor.Executed ex = executor.run(step, type, sectionName, interpolator(), conditionVars(),
                honourAbort, ahead);
        outcomes.add(ex.outcome());
        StepStatus st = ex.outcome().status();
        if (st == StepStatus.SUCCEEDED || st == StepStatus.UNCHANGED) {
            outputs.put(step.id(), ex.outcome().outputs());
            stepVars.put(step.id(), Map.of("outputs", ex.outcome().outputs(), "status", st.name()));
            if (ex.mutating() && step.section() == Section.STEPS) {
                completed.add(ex);
            }
        } else {
            stepVars.put(step.id(), Map.of("outputs", Map.of(), "status", st.name()));
        }
        return ex;
    }

    Interpolator interpolator() {
        return new Interpolator(params, options.environmentVariables(), outputs, runId, runDir, masker);
    }

    Map<String, Object> conditionVars() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("params", params);
        v.put("env", new LinkedHashMap<>(options.environmentVariables()));
        v.put("steps", stepVars);
        v.put("run", Map.of("id", runId, "dir", runDir.toString()));
        return v;
    }

    private void plan(Section section) {
        List<StepDef> steps = rb.section(section);
        if (steps.isEmpty()) {
            return;
        }
        listener.sectionStarted(section.key());
        for (StepDef step : steps) {
            StepType type = registry.find(step.uses()).orElseThrow();
            if (step.fact() && type.readOnly(step.with())) {
                executeStep(step, section.key(), true);
                continue;
            }
            Plan plan;
            if (section.readOnly()) {
                plan = Plan.of("would check with " + step.uses() + " after the change");
            } else {
                try {
                    Map<String, Object> in = StepExecutor.withDefaults(type, interpolator().resolveAll(step.with()));
                    plan = type.plan(new RunStepContext(step.id(), new Inputs(in, null), runDir, runId,
                            Optional.ofNullable(step.timeout()), true, listener, masker));
                } catch (StepFailedException e) {
                    plan = Plan.of("would run " + step.uses() + " (" + masker.mask(e.getMessage()) + ")");
                } catch (RuntimeException e) {
                    plan = Plan.of("would run " + step.uses() + " (cannot plan: " + e.getClass().getSimpleName()
                            + ")");
                }
            }
            String undo = step.undo() != null ? "undo: " + step.undo().uses()
                    : step.noUndo() != null ? "no undo: " + step.noUndo()
                    : type.hasBuiltInUndo() && !type.readOnly(step.with()) ? "undo: built-in" : "";
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("uses", step.uses());
            data.put("summary", plan.summary());
            data.put("changes", plan.changes());
            data.put("undo", undo);
            journal.append("step.planned", step.id(), section.key(), null, data);
            listener.planned(section.key(), step.id(), masker.mask(plan.summary()),
                    plan.changes().stream().map(masker::mask).toList());
            outcomes.add(new StepOutcome(step.id(), section.key(), StepStatus.PLANNED, 0, 0,
                    masker.mask(plan.summary()), Map.of()));
        }
    }

    RunOutcome done(Instant started, RunStatus status, String reason, List<String> manual) {
        return new RunOutcome(runId, status, runDir, started, Instant.now(), List.copyOf(outcomes),
                masker.mask(reason), manual);
    }

    Runbook runbook() {
        return rb;
    }

    Journal journal() {
        return journal;
    }

    Abort abort() {
        return abort;
    }

    List<StepExecutor.Executed> completed() {
        return completed;
    }

    StepExecutor executor() {
        return executor;
    }

    RunListener listener() {
        return listener;
    }

    Masker masker() {
        return masker;
    }

    StepTypeRegistry registry() {
        return registry;
    }

    List<StepOutcome> outcomes() {
        return outcomes;
    }

    Map<String, Map<String, Object>> outputs() {
        return outputs;
    }

    Path runDir() {
        return runDir;
    }

    String runId() {
        return runId;
    }
}
