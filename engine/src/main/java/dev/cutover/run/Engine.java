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

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a loaded runbook: preflight, steps, validate; on any failure undoes the completed mutating
 * steps in reverse order, runs the rollback section and validates again. Every event is journaled
 * (and fsync'd) before the engine goes on.
 */
public final class Engine {
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    private final StepTypeRegistry registry;

    public Engine(StepTypeRegistry registry) {
        this.registry = registry;
    }

    /** A new run id: UTC time plus a random suffix. */
    public static String newRunId() {
        byte[] b = new byte[2];
        ThreadLocalRandom.current().nextBytes(b);
        return RUN_ID.format(Instant.now()) + "-" + HexFormat.of().formatHex(b);
    }

    /**
     * Runs the runbook.
     *
     * @param params resolved params (secrets as {@link dev.cutover.spi.Secret}, already registered with masker)
     * @throws IOException when the journal cannot be created; nothing has run then
     */
    public RunOutcome run(Runbook rb, Map<String, Object> params, RunOptions options, Masker masker,
                          RunListener listener, Abort abort) throws IOException {
        String runId = newRunId();
        Path runDir = options.stateDirectory().resolve("runs").resolve(runId);
        Instant started = Instant.now();
        try (Journal journal = Journal.create(runDir, runId, options.operator(), masker)) {
            journal.append("run.started", null, null, null, header(rb, params, options));
            listener.runStarted(runId, rb.name(), options.dryRun());
            RunState state = new RunState(rb, params, options, masker, listener, abort, journal, runDir, runId,
                    new StepExecutor(journal, listener, masker, runDir, runId, abort), registry);
            try {
                RunOutcome o = state.execute(started);
                Map<String, Object> fin = new LinkedHashMap<>();
                fin.put("status", o.status().name());
                fin.put("exit_code", o.exitCode());
                fin.put("duration_ms", Duration.between(started, o.finished()).toMillis());
                fin.put("reason", o.reason());
                fin.put("manual_actions", o.manualActions());
                journal.append("run.finished", null, null, null, fin);
                listener.runFinished(o);
                return o;
            } finally {
                state.executor.shutdown();
            }
        }
    }

    private static Map<String, Object> header(Runbook rb, Map<String, Object> params, RunOptions o) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("runbook", rb.name());
        h.put("runbook_file", rb.file() == null ? null : rb.file().toString());
        h.put("runbook_sha256", rb.sha256());
        h.put("params", params);
        h.put("environment", o.environment());
        h.put("operator", o.operator());
        h.put("ticket", o.ticket());
        h.put("host", host());
        h.put("pid", ProcessHandle.current().pid());
        h.put("cutover_version", Version.get());
        h.put("java_version", System.getProperty("java.version"));
        h.put("mode", o.dryRun() ? "plan" : "run");
        h.put("rehearsal", o.rehearsal() || o.dryRun());
        return h;
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown");
        }
    }

    /** The mutable state of one run. */
    private static final class RunState {
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
            failure = runSection(Section.STEPS, "steps", true);
            if (failure == null) {
                failure = runSection(Section.VALIDATE, "validate", true);
            }
            if (failure == null) {
                return done(started, RunStatus.SUCCEEDED, "", List.of());
            }
            return new Rollback(this).run(started, failure);
        }

        /** Runs a section; returns the failure reason, or null. */
        String runSection(Section section, String name, boolean honourAbort) {
            List<StepDef> steps = rb.section(section);
            if (steps.isEmpty()) {
                return null;
            }
            listener.sectionStarted(name);
            for (StepDef step : steps) {
                if (honourAbort && abort.requested()) {
                    return "aborted by the operator before step '" + step.id() + "'";
                }
                StepExecutor.Executed ex = executeStep(step, name, honourAbort);
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
            StepType type = registry.find(step.uses()).orElseThrow();
            StepExecutor.Executed ex = executor.run(step, type, sectionName, interpolator(), conditionVars(),
                    honourAbort);
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

    /** Undo in reverse, the rollback section, then validate again. */
    private static final class Rollback {
        private final RunState s;

        Rollback(RunState s) {
            this.s = s;
        }

        RunOutcome run(Instant started, String reason) {
            s.abort().rollbackStarted();
            List<StepExecutor.Executed> toUndo = new ArrayList<>(s.completed());
            java.util.Collections.reverse(toUndo);
            s.journal().append("rollback.started", null, "undo", null, Map.of("reason", reason,
                    "undo_order", toUndo.stream().map(e -> e.step().id()).toList()));
            s.listener().sectionStarted("undo");
            List<String> manual = new ArrayList<>();
            for (int i = 0; i < toUndo.size(); i++) {
                StepExecutor.Executed ex = toUndo.get(i);
                String err = undo(ex);
                if (err != null) {
                    manual.add("step '" + ex.step().id() + "': undo failed (" + err + "); restore it by hand"
                            + describeUndo(ex));
                    for (StepExecutor.Executed rest : toUndo.subList(i + 1, toUndo.size())) {
                        if (rest.step().noUndo() == null) {
                            manual.add("step '" + rest.step().id() + "': not undone (rollback stopped at '"
                                    + ex.step().id() + "')" + describeUndo(rest));
                        }
                    }
                    s.journal().append("rollback.stopped", ex.step().id(), "undo", null, Map.of("reason",
                            "undo failed; earlier steps were left as they are so the system is not made worse"));
                    break;
                }
            }
            if (manual.isEmpty()) {
                String f = s.runSection(Section.ROLLBACK, "rollback", false);
                if (f != null) {
                    manual.add("rollback section: " + f);
                }
            }
            String reval = s.runSection(Section.VALIDATE, "revalidate", false);
            if (reval != null) {
                manual.add("the system did not pass validation after rollback: " + reval);
            }
            s.journal().append("rollback.finished", null, "undo", null, Map.of("ok", manual.isEmpty(),
                    "manual_actions", manual));
            return s.done(started, manual.isEmpty() ? RunStatus.ROLLED_BACK : RunStatus.ROLLBACK_FAILED, reason,
                    manual);
        }

        /** Undoes one step; returns the error, or null. */
        private String undo(StepExecutor.Executed ex) {
            StepDef step = ex.step();
            if (step.undo() != null) {
                StepType ut = s.registry().find(step.undo().uses()).orElseThrow();
                StepDef undoStep = new StepDef(step.id(), step.undo().uses(), "undo of " + step.id(),
                        step.undo().with(), step.undo().timeout(), dev.cutover.runbook.RetryPolicy.NONE, null, null,
                        "undo", null, false, Section.ROLLBACK, step.undo().location());
                s.journal().append("undo.started", step.id(), "undo", null, Map.of("kind", "step", "uses",
                        ut.id()));
                StepExecutor.Executed r = s.executor().run(undoStep, ut, "undo", s.interpolator(), s.conditionVars(),
                        false);
                s.outcomes().add(r.outcome());
                boolean ok = r.outcome().status() != StepStatus.FAILED;
                s.journal().append(ok ? "undo.succeeded" : "undo.failed", step.id(), "undo", null,
                        ok ? Map.of() : Map.of("error", r.outcome().message()));
                return ok ? null : r.outcome().message();
            }
            if (step.noUndo() != null) {
                s.journal().append("undo.skipped", step.id(), "undo", null, Map.of("reason", step.noUndo()));
                s.outcomes().add(new StepOutcome(step.id(), "undo", StepStatus.NOT_UNDONE, 0, 0,
                        "no undo: " + step.noUndo(), Map.of()));
                s.listener().stepFinished("undo", s.outcomes().get(s.outcomes().size() - 1));
                return null;
            }
            long t0 = System.nanoTime();
            s.listener().stepStarted("undo", step.id(), 1);
            s.journal().append("undo.started", step.id(), "undo", null, Map.of("kind", "built-in", "uses",
                    ex.type().id(), "undo", ex.intent().data()));
            String error = null;
            try {
                RunStepContext ctx = new RunStepContext(step.id(), new Inputs(ex.inputs(), null), s.runDir(),
                        s.runId(), Optional.ofNullable(step.timeout()), false, s.listener(), s.masker());
                var r = s.executor().call(() -> ex.type().undo(ctx, ex.intent()), step.timeout(), false);
                s.journal().append("undo.succeeded", step.id(), "undo", null, Map.of("outputs", r.outputs(),
                        "duration_ms", (System.nanoTime() - t0) / 1_000_000));
            } catch (StepFailedException e) {
                error = s.masker().mask(e.getMessage());
            } catch (java.util.concurrent.TimeoutException e) {
                error = "undo timed out";
            } catch (StepExecutor.AbortedException e) {
                error = "undo was interrupted";
            } catch (RuntimeException e) {
                error = s.masker().mask("internal error: " + e);
            }
            if (error != null) {
                s.journal().append("undo.failed", step.id(), "undo", null, Map.of("error", error));
            }
            StepOutcome o = new StepOutcome(step.id(), "undo", error == null ? StepStatus.UNDONE
                    : StepStatus.UNDO_FAILED, 1, (System.nanoTime() - t0) / 1_000_000, error == null ? "" : error,
                    Map.of());
            s.outcomes().add(o);
            s.listener().stepFinished("undo", o);
            return error;
        }

        private String describeUndo(StepExecutor.Executed ex) {
            StepDef step = ex.step();
            if (step.undo() != null) {
                return ": run " + step.undo().uses() + " with " + s.masker().maskValue(step.undo().with());
            }
            if (!ex.intent().data().isEmpty()) {
                return ": " + ex.type().id() + " recorded " + s.masker().maskValue(ex.intent().data());
            }
            return "";
        }
    }

    /** Creates the state directory, failing early (before anything runs) when it is not writable. */
    public static void checkStateDirectory(Path stateDir) throws IOException {
        Path runs = stateDir.resolve("runs");
        Files.createDirectories(runs);
        Path probe = Files.createTempFile(runs, ".write-check", ".tmp");
        try {
            Files.write(probe, new byte[4096]);
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
