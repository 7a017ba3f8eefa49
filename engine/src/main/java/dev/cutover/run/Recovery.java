package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalVerifier;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.RetryPolicy;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepType;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs that start from a journal: {@code cutover resume} after a crash (continue, or finish the
 * rollback that was under way) and {@code cutover rollback} of a run that succeeded earlier.
 */
public final class Recovery {
    private final StepTypeRegistry registry;

    public Recovery(StepTypeRegistry registry) {
        this.registry = registry;
    }

    /** Recovery cannot proceed; nothing was changed (exit 5). */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        public RefusedException(String message) {
            super(message);
        }
    }

    /** Resumes a crashed run in its own journal. */
    public RunOutcome resume(Path runDir, Runbook rb, Map<String, Object> params, RunOptions options, Masker masker,
                             RunListener listener, Abort abort, InDoubtResolver resolver, boolean force)
            throws IOException, RefusedException {
        RecoveryClaim claim = RecoveryClaim.take(runDir, options, force); // resume only what is dead; writes nothing
        Instant started = Instant.now();
        Journal journal = Journal.reopen(runDir, options.operator(), masker);
        try {
            JournalState js = new JournalState(journal.events());
            if (js.finished().isPresent()) {
                throw new RefusedException("run " + journal.runId() + " already finished " + js.finishedStatus
                        + (js.finishedStatus.equals("SUCCEEDED") ? "; to undo it use 'cutover rollback "
                        + journal.runId() + "'" : "") + "; nothing to resume");
            }
            checkRunbook(js, rb, force);
            RunState state = state(rb, params, options, masker, listener, abort, journal, runDir);
            restore(state, js, rb);
            Map<String, Object> resumed = new LinkedHashMap<>();
            resumed.put("torn_tail_removed", journal.repairedTail() == null ? null : masker.mask(journal.repairedTail()));
            resumed.put("rolling_back", js.mustRollBack());
            if (js.inDoubt != null) {
                resumed.put("in_doubt", js.inDoubt.stepId());
                ProbeResult decided = decide(state, js.inDoubt, rb, resolver);
                resumed.put("decision", decided.name());
                if (decided == ProbeResult.UNKNOWN) {
                    journal.append("resume.refused", js.inDoubt.stepId(), "steps", null, resumed);
                    throw new RefusedException("step '" + js.inDoubt.stepId() + "' is in doubt: its intent was "
                            + "journaled but not its outcome, and no probe can tell whether it took effect. Check the "
                            + "system, then rerun with --assume done or --assume not-done");
                }
                if (decided == ProbeResult.DONE) {
                    addCompleted(state, rb, js.inDoubt, Map.of());
                    js.finishedSteps.add(js.inDoubt.stepId());
                }
            }
            journal.append("run.resumed", null, null, null, resumed);
            listener.runStarted(journal.runId(), rb.name(), false);
            if (journal.repairedTail() != null) {
                listener.note("journal", "removed a torn last line left by the crash (journaled in run.resumed)");
            }
            Gates.Passed gates = lock(rb, params, options, journal, runDir, masker);
            return finish(state, journal, gates, started, () -> {
                if (js.mustRollBack()) {
                    state.alreadyUndone(js.undone);
                    return new Rollback(state).run(started, js.failureReason == null ? "run was rolling back when it "
                            + "stopped" : js.failureReason);
                }
                if (!js.reachedSteps) {
                    return state.execute(started);
                }
                state.skip(js.finishedSteps);
                return state.forward(started);
            });
        } finally {
            journal.close();
            claim.close();
        }
    }

    /** Undoes a run that finished SUCCEEDED, in a new run whose journal names the original. */
    public RunOutcome rollback(Path originalRunDir, Runbook rb, Map<String, Object> params, RunOptions options,
                               Masker masker, RunListener listener, Abort abort, String reason, boolean force)
            throws IOException, RefusedException {
        Path original = originalRunDir.resolve(Journal.FILE_NAME);
        JournalVerifier.Verdict v = JournalVerifier.verify(original);
        if (!v.ok()) {
            throw new RefusedException("the journal of the run to roll back does not verify (" + v.problem()
                    + "); its undo records cannot be trusted");
        }
        JournalState js = new JournalState(v.events());
        if (!"SUCCEEDED".equals(js.finishedStatus)) {
            throw new RefusedException("run " + originalRunDir.getFileName() + " finished "
                    + (js.finishedStatus == null ? "nothing yet (use 'cutover resume')" : js.finishedStatus)
                    + "; only a SUCCEEDED run can be rolled back later");
        }
        checkRunbook(js, rb, force);
        Duration window = rb.policy().rollbackWindow();
        if (window != null && Instant.parse(js.finishedTime).plus(window).isBefore(Instant.now())) {
            throw new RefusedException("the runbook's rollback_window (" + dev.cutover.spi.Durations.format(window)
                    + ") after " + js.finishedTime + " has passed; plan a new forward change instead");
        }
        String runId = Engine.newRunId();
        Path runDir = options.stateDirectory().resolve("runs").resolve(runId);
        Instant started = Instant.now();
        try (Journal journal = Journal.create(runDir, runId, options.operator(), masker)) {
            Map<String, Object> header = Engine.header(rb, params, options);
            header.put("mode", "rollback");
            header.put("of_run", originalRunDir.getFileName().toString());
            header.put("of_run_last_hash", v.last().hash());
            header.put("reason", reason);
            journal.append("run.started", null, null, null, header);
            listener.runStarted(runId, rb.name(), false);
            RunState state = state(rb, params, options, masker, listener, abort, journal, runDir);
            restore(state, js, rb);
            Gates.Passed gates = lock(rb, params, options, journal, runDir, masker);
            return finish(state, journal, gates, started, () -> new Rollback(state).run(started,
                    "rollback of run " + originalRunDir.getFileName() + " requested: " + reason));
        }
    }

    private RunState state(Runbook rb, Map<String, Object> params, RunOptions options, Masker masker,
                           RunListener listener, Abort abort, Journal journal, Path runDir) {
        return new RunState(rb, params, options, masker, listener, abort, journal, runDir, journal.runId(),
                new StepExecutor(journal, listener, masker, runDir, journal.runId(), abort, options.approver())
                        .registry(registry),
                registry);
    }

    private static void checkRunbook(JournalState js, Runbook rb, boolean force) throws RefusedException {
        Object sha = js.header.get("runbook_sha256");
        if (!force && sha != null && !sha.equals(rb.sha256())) {
            throw new RefusedException("the runbook file changed since the run (SHA-256 " + sha + " then, "
                    + rb.sha256() + " now); restore the version that ran, or pass --force");
        }
    }

    private void restore(RunState state, JournalState js, Runbook rb) {
        js.outputs.forEach(state::restoreOutputs);
        for (JournalState.Done d : js.completed) {
            addCompleted(state, rb, d, js.outputs.getOrDefault(d.stepId(), Map.of()));
        }
    }

    private void addCompleted(RunState state, Runbook rb, JournalState.Done d, Map<String, Object> outputs) {
        Optional<StepDef> sd = rb.step(d.stepId());
        if (sd.isEmpty()) {
            return;
        }
        StepType type = registry.find(sd.get().uses()).orElseThrow();
        Map<String, Object> inputs;
        try {
            inputs = StepExecutor.withDefaults(type, state.interpolator().resolveAll(sd.get().with()));
        } catch (StepFailedException e) {
            inputs = Map.of();
        }
        StepOutcome o = new StepOutcome(d.stepId(), "steps", StepStatus.SUCCEEDED, 1, 0, "", outputs);
        state.addCompleted(new StepExecutor.Executed(sd.get(), type, o, Intent.of(d.intent()), inputs, true, true));
    }

    private ProbeResult decide(RunState state, JournalState.Done d, Runbook rb, InDoubtResolver resolver) {
        StepDef sd = rb.step(d.stepId()).orElse(null);
        if (sd == null) {
            return resolver.decide(d.stepId(), "?");
        }
        StepType type = registry.find(sd.uses()).orElseThrow();
        String how;
        ProbeResult r;
        if (sd.probe() != null) {
            StepType pt = registry.find(sd.probe().uses()).orElseThrow();
            StepDef probe = new StepDef(sd.id() + "-probe", sd.probe().uses(), "probe of " + sd.id(),
                    sd.probe().with(), sd.probe().timeout(), RetryPolicy.NONE, null, null, null, null, false,
                    Section.PREFLIGHT, sd.probe().location());
            StepExecutor.Executed ex = state.executor().run(probe, pt, "resume", state.interpolator(),
                    state.conditionVars(), false);
            r = ex.outcome().status() == StepStatus.FAILED ? ProbeResult.NOT_DONE : ProbeResult.DONE;
            how = "probe step " + sd.probe().uses();
        } else {
            try {
                Map<String, Object> in = StepExecutor.withDefaults(type, state.interpolator().resolveAll(sd.with()));
                r = type.probe(new RunStepContext(sd.id(), new Inputs(in, null), state.runDir(), state.runId(),
                        Optional.empty(), false, state.listener(), state.masker()), Intent.of(d.intent()));
            } catch (StepFailedException | RuntimeException e) {
                r = ProbeResult.UNKNOWN;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r = ProbeResult.UNKNOWN;
            }
            how = type.id() + " probe";
            if (r == ProbeResult.UNKNOWN) {
                r = resolver.decide(sd.id(), sd.uses());
                how = "operator (--assume or prompt)";
            }
        }
        state.journal().append("step.probed", sd.id(), "steps", null, Map.of("result", r.name(), "how", how));
        state.listener().note(sd.id(), "in doubt after the crash; " + how + " says " + r.name());
        return r;
    }

    private static Gates.Passed lock(Runbook rb, Map<String, Object> params, RunOptions options, Journal journal,
                                     Path runDir, Masker masker) throws IOException {
        RunOptions noWindow = RunOptions.builder(options.stateDirectory()).operator(options.operator())
                .environmentVariables(options.environmentVariables()).windows(List.of()).build();
        return Gates.check(rb, params, noWindow, journal, journal.runId(), runDir, masker);
    }

    /** The body of a recovery run. */
    interface Body {
        RunOutcome run();
    }

    private static RunOutcome finish(RunState state, Journal journal, Gates.Passed gates, Instant started, Body body)
            throws IOException {
        try {
            RunOutcome o = gates.refused() ? state.done(started, RunStatus.REFUSED, gates.refusal(), List.of())
                    : body.run();
            return Engine.finish(journal, state, gates, started, o);
        } finally {
            state.executor().shutdown();
            if (gates.lock() != null) {
                gates.lock().close();
            }
        }
    }
}
