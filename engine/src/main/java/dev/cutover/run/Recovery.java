package dev.cutover.run;

import dev.cutover.journal.EventType;
import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.journal.JournalVerifier;
import dev.cutover.journal.Payload;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.StepDef;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.Intent;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs that start from a journal: {@code cutover resume} after a crash (continue, or finish the
 * rollback that was under way) and {@code cutover rollback} of a run that succeeded earlier.
 */
public final class Recovery {
    /** Created in a run's directory by the one rollback that undoes it; names that rollback's run. */
    public static final String ROLLED_BACK_BY = "rolled-back-by";
    private final StepTypeRegistry registry;
    private final java.util.function.Supplier<Connectors> connectors;

    public Recovery(StepTypeRegistry registry) {
        this(registry, Connectors.discovered());
    }

    /** A recovery that reaches a fleet run's hosts through these transports. */
    public Recovery(StepTypeRegistry registry, java.util.function.Supplier<Connectors> connectors) {
        this.registry = registry;
        this.connectors = connectors;
    }

    /** Recovery cannot proceed; nothing was changed (exit 5). */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        public RefusedException(String message) {
            super(message);
        }
    }

    /** The rollback that undid a run, if one was started: its run id. */
    public static Optional<String> rolledBackBy(Path runDir) {
        try {
            Path f = runDir.resolve(ROLLED_BACK_BY);
            return Files.isRegularFile(f) ? Optional.of(Files.readString(f, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
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
            JournalState js = new JournalState(FleetRecovery.globalEvents(journal.events()));
            if (js.finished().isPresent()) {
                throw new RefusedException("run " + journal.runId() + " already finished " + js.finishedStatus
                        + (js.finishedStatus.equals("SUCCEEDED") ? "; to undo it use 'cutover rollback "
                        + journal.runId() + "'" : "") + "; nothing to resume");
            }
            checkRunbook(js, rb, force);
            StepRunner runner = new StepRunner(new RunContext(journal, journal.runId(), runDir, RunContext.baseOf(rb),
                    registry, masker, listener, abort, options.approver(), options.approverKeys()));
            RunState state = new RunState(rb, params, rb.hasFleet() ? options.withFleet(FleetRecord.decode(
                    js.header.get("fleet"))) : options, runner);
            try {
                // the runbook's lock before anything else is decided or written: a run that cannot have it stays
                // as it is, unfinished, for a later resume (its journal records only the refusal)
                Gates.Passed gates = lock(rb, params, options, journal, runDir, masker);
                if (gates.refused()) {
                    throw new RefusedException(gates.refusal() + "; nothing was resumed");
                }
                restore(state, js, rb);
                Map<String, Object> resumed = new LinkedHashMap<>();
                resumed.put("torn_tail_removed", journal.repairedTail() == null ? null
                        : masker.mask(journal.repairedTail()));
                resumed.put("rolling_back", js.mustRollBack());
                // no process of the crashed step (or of its undo) may still be at work when it is probed or
                // undone: an orphan finishing its change after resume re-ran the step would make it twice
                List<String> stopped = stopLeftovers(journal.runId(), js);
                if (!stopped.isEmpty()) {
                    resumed.put("stopped_processes", stopped);
                    stopped.forEach(x -> listener.note("resume", "stopped a process left by the crashed run: " + x));
                }
                if (js.inDoubt != null) {
                    resumed.put("in_doubt", js.inDoubt.stepId());
                    ProbeResult decided = decide(state, js.inDoubt, rb, resolver);
                    resumed.put("decision", decided.name());
                    if (decided == ProbeResult.UNKNOWN) {
                        journal.append(EventType.RESUME_REFUSED, js.inDoubt.stepId(), "steps", null, resumed);
                        if (gates.lock() != null) {
                            gates.lock().close();
                        }
                        throw new RefusedException("step '" + js.inDoubt.stepId() + "' is in doubt: its intent was "
                                + "journaled but not its outcome, and no probe can tell whether it took effect. Check "
                                + "the system, then rerun with --assume done or --assume not-done");
                    }
                    if (decided == ProbeResult.DONE && state.completed().stream()
                            .noneMatch(e -> e.step().id().equals(js.inDoubt.stepId()))) {
                        addCompleted(state, rb, js.inDoubt, Map.of());
                        js.finishedSteps.add(js.inDoubt.stepId());
                    }
                }
                boolean rolloutTouched = false;
                if (rb.hasFleet()) {
                    state.useFleet(connectors.get());
                    // each host the run changed: reached again, its changes and its step in doubt (probed now) read
                    // from its own events; a rollout is not continued, it is rolled back
                    rolloutTouched = new FleetRecovery(this, state, rb, journal.runId()).restore(journal.events(),
                            resolver, js, resumed);
                }
                journal.append(EventType.RUN_RESUMED, null, null, null, resumed);
                listener.runStarted(journal.runId(), rb.name(), false);
                if (journal.repairedTail() != null) {
                    listener.note("journal", "removed a torn last line left by the crash (journaled in run.resumed)");
                }
                boolean finalRolloutTouched = rolloutTouched;
                try {
                    return Engine.finish(state, gates, started, () -> {
                        if (js.mustRollBack() || rb.hasFleet() && (finalRolloutTouched || js.reachedSteps)) {
                            state.alreadyUndone(js.undone);
                            return new Rollback(state).run(started, js.failureReason != null ? js.failureReason
                                    : js.rollingBack || !rb.hasFleet() ? "run was rolling back when it stopped"
                                    : "the run stopped during its hosts rollout; a rollout is not continued after a "
                                    + "crash: the hosts it changed are rolled back, then the changes before it");
                        }
                        if (!js.reachedSteps) {
                            return state.execute(started);
                        }
                        state.skip(js.finishedSteps);
                        return state.forward(started);
                    });
                } finally {
                    if (gates.lock() != null) {
                        gates.lock().close();
                    }
                }
            } finally {
                runner.shutdown();
            }
        } finally {
            journal.close();
            claim.close();
        }
    }

    /**
     * Undoes a run that finished SUCCEEDED, in a new run whose journal names the original: once per run,
     * with the values the original run recorded before each change, and only while no later run of the
     * same runbook or lock succeeded after it (unless forced).
     */
    public RunOutcome rollback(Path originalRunDir, Runbook rb, Map<String, Object> params, RunOptions options,
                               Masker masker, RunListener listener, Abort abort, String reason, boolean force)
            throws IOException, RefusedException {
        Path original = originalRunDir.resolve(Journal.FILE_NAME);
        JournalVerifier.Verdict v = JournalVerifier.verify(original);
        if (!v.ok()) {
            throw new RefusedException("the journal of the run to roll back does not verify (" + v.problem()
                    + "); its undo records cannot be trusted");
        }
        JournalState js = new JournalState(FleetRecovery.globalEvents(v.events()));
        String originalId = v.events().get(0).run();
        Optional<String> earlier = rolledBackBy(originalRunDir);
        if (earlier.isPresent()) {
            throw new RefusedException("run " + originalId + " was already rolled back by run " + earlier.get()
                    + "; a run is rolled back once (see 'cutover report " + earlier.get() + "'; if that rollback did "
                    + "not finish, 'cutover resume " + earlier.get() + "')");
        }
        if (!"SUCCEEDED".equals(js.finishedStatus)) {
            throw new RefusedException("run " + originalId + " finished "
                    + (js.finishedStatus == null ? "nothing yet (use 'cutover resume')" : js.finishedStatus)
                    + "; only a SUCCEEDED run can be rolled back later");
        }
        checkRunbook(js, rb, force);
        Duration window = rb.policy().rollbackWindow();
        if (window != null && Instant.parse(js.finishedTime).plus(window).isBefore(Instant.now())) {
            throw new RefusedException("the runbook's rollback_window (" + dev.cutover.spi.Durations.format(window)
                    + ") after " + js.finishedTime + " has passed; plan a new forward change instead");
        }
        List<String> later = laterRuns(options.stateDirectory(), originalId, js);
        if (!later.isEmpty() && !force) {
            throw new RefusedException("later runs changed the same thing after run " + originalId + " succeeded: "
                    + String.join("; ", later) + ". Rolling back the earlier run would undo underneath them; roll "
                    + "back the later runs first, or pass --force --reason TEXT if you are sure");
        }
        String runId = Engine.newRunId();
        Path runDir = options.stateDirectory().resolve("runs").resolve(runId);
        try {
            Files.writeString(originalRunDir.resolve(ROLLED_BACK_BY), runId + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException raced) {
            throw new RefusedException("run " + originalId + " is being rolled back by run "
                    + rolledBackBy(originalRunDir).orElse("?") + " already");
        }
        Instant started = Instant.now();
        try (Journal journal = Journal.create(runDir, runId, options.operator(), masker)) {
            Map<String, Object> header = Engine.header(rb, params, options);
            header.put("mode", "rollback");
            header.put("of_run", originalId);
            header.put("of_run_last_hash", v.last().hash());
            header.put("reason", reason);
            if (!later.isEmpty()) {
                header.put("forced_over_later_runs", later);
            }
            journal.append(EventType.RUN_STARTED, null, null, null, header);
            listener.runStarted(runId, rb.name(), false);
            StepRunner runner = new StepRunner(new RunContext(journal, runId, runDir, RunContext.baseOf(rb), registry,
                    masker, listener, abort, options.approver(), options.approverKeys()));
            RunState state = new RunState(rb, params, rb.hasFleet() ? options.withFleet(FleetRecord.decode(
                    js.header.get("fleet"))) : options, runner);
            // what must be resolved again resolves as in the original run: ${run.dir} is its directory
            state.interpolateAs(originalId, originalRunDir);
            try {
                restore(state, js, rb);
                if (rb.hasFleet()) {
                    state.useFleet(connectors.get());
                    new FleetRecovery(this, state, rb, originalId).restore(v.events(), null, js, new LinkedHashMap<>());
                }
                Gates.Passed gates = lock(rb, params, options, journal, runDir, masker);
                try {
                    return Engine.finish(state, gates, started, () -> gates.refused()
                            ? state.done(started, RunStatus.REFUSED, gates.refusal(), List.of(), "")
                            : new Rollback(state).run(started, "rollback of run " + originalId + " requested: "
                            + reason));
                } finally {
                    if (gates.lock() != null) {
                        gates.lock().close();
                    }
                }
            } finally {
                runner.shutdown();
            }
        }
    }

    /**
     * Runs in the same state directory that succeeded after the original finished and share its runbook
     * or its lock key, as "RUN (runbook, finished TIME)".
     */
    private static List<String> laterRuns(Path stateDir, String originalId, JournalState original) {
        String runbook = String.valueOf(original.header.get("runbook"));
        String lockKey = original.lockKey;
        Instant after = Instant.parse(original.finishedTime);
        List<String> out = new ArrayList<>();
        Path runs = stateDir.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.sorted().toList()) {
                if (d.getFileName().toString().equals(originalId) || !Files.isRegularFile(d.resolve(Journal.FILE_NAME))) {
                    continue;
                }
                List<JournalEvent> events;
                try {
                    events = JournalReader.read(d.resolve(Journal.FILE_NAME)).events();
                } catch (IOException | RuntimeException e) {
                    continue;
                }
                if (events.isEmpty()) {
                    continue;
                }
                JournalState js = new JournalState(events);
                Object mode = js.header.get("mode");
                if (!"SUCCEEDED".equals(js.finishedStatus) || !"run".equals(mode) && !"resume".equals(mode)
                        || js.finishedTime == null || !Instant.parse(js.finishedTime).isAfter(after)
                        || rolledBackBy(d).isPresent()) {
                    continue;
                }
                boolean sameRunbook = runbook.equals(String.valueOf(js.header.get("runbook")));
                boolean sameLock = lockKey != null && lockKey.equals(js.lockKey);
                if (sameRunbook || sameLock) {
                    out.add(d.getFileName() + " (" + js.header.get("runbook") + ", finished " + js.finishedTime + ")");
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** Kills every process still tagged with the in-doubt step or an undo in progress; what was stopped. */
    private static List<String> stopLeftovers(String runId, JournalState js) {
        List<String> tags = new java.util.ArrayList<>();
        if (js.inDoubt != null) {
            tags.add(dev.cutover.spi.ChildProcesses.tag(runId, js.inDoubt.stepId()));
        }
        if (js.undoInProgress != null) {
            tags.add(dev.cutover.spi.ChildProcesses.tag(runId, js.undoInProgress, "undo"));
        }
        List<String> out = new java.util.ArrayList<>();
        for (String tag : tags) {
            dev.cutover.spi.ChildProcesses.Stopped s = dev.cutover.spi.ChildProcesses.killTagged(tag);
            if (s.any()) {
                out.add(s.describe());
            }
        }
        return out;
    }

    private static void checkRunbook(JournalState js, Runbook rb, boolean force) throws RefusedException {
        Object sha = js.header.get("runbook_sha256");
        if (!force && sha != null && !sha.equals(rb.sha256())) {
            throw new RefusedException("the runbook file changed since the run (SHA-256 " + sha + " then, "
                    + rb.sha256() + " now); restore the version that ran, or pass --force");
        }
    }

    void restore(RunState state, JournalState js, Runbook rb) {
        js.outputs.forEach(state::restoreOutputs);
        state.restoreFacts(js.preflightFacts);
        for (JournalState.Done d : js.completed) {
            addCompleted(state, rb, d, js.outputs.getOrDefault(d.stepId(), Map.of()));
        }
    }

    /** A completed change rebuilt from its journaled intent, with the inputs recorded then. */
    void addCompleted(RunState state, Runbook rb, JournalState.Done d, Map<String, Object> outputs) {
        Optional<StepDef> sd = rb.step(d.stepId());
        if (sd.isEmpty()) {
            return;
        }
        StepType type = registry.find(sd.get().uses()).orElseThrow();
        Interpolator ip = state.interpolator();
        Map<String, Object> inputs;
        Map<String, Object> undoInputs = null;
        try {
            inputs = d.inputs() != null ? RecordedValues.decodeMap(d.inputs(), ip)
                    : StepRunner.withDefaults(type, ip.resolveAll(sd.get().with()));
            if (d.undoInputs() != null) {
                undoInputs = RecordedValues.decodeMap(d.undoInputs(), ip);
            }
        } catch (StepFailedException e) {
            inputs = Map.of();
        }
        StepOutcome o = new StepOutcome(d.stepId(), "steps", StepStatus.SUCCEEDED, 1, 0, "", outputs);
        state.addCompleted(new Executed(sd.get(), type, o, Intent.of(d.intent()), inputs, undoInputs, true, true, true,
                false));
    }

    ProbeResult decide(RunState state, JournalState.Done d, Runbook rb, InDoubtResolver resolver) {
        StepDef sd = rb.step(d.stepId()).orElse(null);
        if (sd == null) {
            return resolver.decide(d.stepId(), "?");
        }
        StepType type = registry.find(sd.uses()).orElseThrow();
        Interpolator ip = state.interpolator();
        Map<String, Object> inputs;
        try {
            inputs = d.inputs() != null ? RecordedValues.decodeMap(d.inputs(), ip)
                    : StepRunner.withDefaults(type, ip.resolveAll(sd.with()));
        } catch (StepFailedException e) {
            inputs = Map.of();
        }
        StepRunner.Probe p = state.runner().probe(sd, type, inputs, Intent.of(d.intent()), ip);
        ProbeResult r = p.result();
        String how = p.how();
        if (r == ProbeResult.UNKNOWN) {
            r = resolver.decide(sd.id(), sd.uses());
            how = how + "; then the operator (--assume or prompt)";
        }
        if (r != ProbeResult.UNKNOWN) {
            state.journal().append(sd.id(), "steps", null, new Payload.StepProbed(r.name(), how, "crash", null));
        }
        state.rc().listener().note(sd.id(), "in doubt after the crash; " + how + " says " + r.name());
        return r;
    }

    private static Gates.Passed lock(Runbook rb, Map<String, Object> params, RunOptions options, Journal journal,
                                     Path runDir, Masker masker) throws IOException {
        RunOptions noWindow = RunOptions.builder(options.stateDirectory()).operator(options.operator())
                .environmentVariables(options.environmentVariables()).windows(List.of()).build();
        return Gates.check(rb, params, noWindow, journal, journal.runId(), runDir, masker);
    }
}
