package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.runbook.Conditions;
import dev.cutover.runbook.StepDef;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs one step: condition, interpolation, intent, attempts with retry delay, timeout, journaling. */
final class StepExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(StepExecutor.class);

    /** What one executed step left behind, for undo and later references. */
    record Executed(StepDef step, StepType type, StepOutcome outcome, Intent intent, Map<String, Object> inputs,
                    boolean mutating, boolean intentRecorded) {
    }

    private final Journal journal;
    private final RunListener listener;
    private final Masker masker;
    private final Path runDir;
    private final String runId;
    private final Abort abort;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cutover-step");
        t.setDaemon(true);
        return t;
    });

    private final Approver approver;
    private dev.cutover.plugin.StepTypeRegistry registry;

    /** The registry {@code wait.until} looks its polled step type up in. */
    StepExecutor registry(dev.cutover.plugin.StepTypeRegistry r) {
        this.registry = r;
        return this;
    }

    StepExecutor(Journal journal, RunListener listener, Masker masker, Path runDir, String runId, Abort abort,
                 Approver approver) {
        this.approver = approver;
        this.journal = journal;
        this.listener = listener;
        this.masker = masker;
        this.runDir = runDir;
        this.runId = runId;
        this.abort = abort;
    }

    /**
     * Runs a step in a section. Mutating steps journal their intent before applying.
     *
     * @param sectionName the journal's section name (may differ from the step's, e.g. revalidate)
     */
    Executed run(StepDef step, StepType type, String sectionName, Interpolator interpolator,
                 Map<String, Object> conditionVars, boolean honourAbort) {
        return run(step, type, sectionName, interpolator, conditionVars, honourAbort, List.of());
    }

    /** Thrown into the outcome when an approval was refused. */
    static final String REFUSED_PREFIX = "approval refused: ";

    Executed run(StepDef step, StepType type, String sectionName, Interpolator interpolator,
                 Map<String, Object> conditionVars, boolean honourAbort, List<String> ahead) {
        long t0 = System.nanoTime();
        if (type instanceof ApprovalStep) {
            return approve(step, type, sectionName, interpolator, ahead, t0);
        }
        if (type instanceof WaitUntilStep) {
            return new Poller(this, journal, listener, masker, registry).poll(step, type, sectionName, interpolator,
                    runDir, runId, t0);
        }
        if (step.when() != null) {
            boolean go;
            try {
                go = Conditions.evaluate(step.when(), conditionVars);
            } catch (IllegalArgumentException e) {
                return failed(step, type, sectionName, 0, t0, masker.mask(e.getMessage()), Intent.none(), Map.of(),
                        false, false);
            }
            if (!go) {
                journal.append("step.skipped", step.id(), sectionName, null, Map.of("when", step.when(),
                        "reason", "condition is false"));
                StepOutcome o = new StepOutcome(step.id(), sectionName, StepStatus.SKIPPED, 0, 0,
                        "skipped: " + step.when(), Map.of());
                listener.stepFinished(sectionName, o);
                return new Executed(step, type, o, Intent.none(), Map.of(), false, false);
            }
        }
        Map<String, Object> inputs;
        try {
            inputs = withDefaults(type, interpolator.resolveAll(step.with()));
        } catch (StepFailedException e) {
            return failed(step, type, sectionName, 0, t0, masker.mask(e.getMessage()), Intent.none(), Map.of(),
                    false, false);
        }
        boolean mutating = !type.readOnly(step.with());
        RunStepContext ctx = new RunStepContext(step.id(), new Inputs(inputs, null), runDir, runId,
                Optional.ofNullable(step.timeout()), false, listener, masker);
        Intent intent = Intent.none();
        boolean intentRecorded = false;
        int attempts = step.retry().attempts();
        String lastError = "";
        Map<String, Object> lastOutputs = Map.of();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (honourAbort && abort.requested()) {
                lastError = "aborted by the operator";
                break;
            }
            listener.stepStarted(sectionName, step.id(), attempt);
            Map<String, Object> started = new LinkedHashMap<>();
            started.put("uses", step.uses());
            started.put("inputs", inputs);
            started.put("mutating", mutating);
            if (step.timeout() != null) {
                started.put("timeout_ms", step.timeout().toMillis());
            }
            if (!mutating || !intentRecorded) {
                // the next event is fsync'd before anything can change (a mutating step's intent, or a
                // read-only step's outcome), and that fsync covers this line too
                journal.appendBuffered("step.started", step.id(), sectionName, attempt, started);
            } else {
                journal.append("step.started", step.id(), sectionName, attempt, started);
            }
            try {
                if (mutating && !intentRecorded) {
                    Intent prepared = call(() -> type.prepare(ctx), step.timeout(), honourAbort);
                    intent = prepared;
                    journal.append("step.intent", step.id(), sectionName, attempt, Map.of("undo", intent.data(),
                            "undo_kind", step.undo() != null ? "step" : type.hasBuiltInUndo() ? "built-in" : "none"));
                    intentRecorded = true;
                }
                final Intent in = intent;
                StepResult r = call(() -> type.apply(ctx, in), step.timeout(), honourAbort);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("outputs", r.outputs());
                data.put("duration_ms", ms);
                if (!r.message().isEmpty()) {
                    data.put("message", r.message());
                }
                journal.append(r.changed() ? "step.succeeded" : "step.unchanged", step.id(), sectionName, attempt,
                        data);
                @SuppressWarnings("unchecked")
                Map<String, Object> masked = (Map<String, Object>) masker.maskValue(r.outputs());
                StepOutcome o = new StepOutcome(step.id(), sectionName,
                        r.changed() ? StepStatus.SUCCEEDED : StepStatus.UNCHANGED, attempt, ms,
                        masker.mask(r.message()), masked);
                listener.stepFinished(sectionName, o);
                return new Executed(step, type, o, intent, inputs, mutating, intentRecorded);
            } catch (StepFailedException e) {
                lastError = masker.mask(String.valueOf(e.getMessage()));
                lastOutputs = e.outputs();
            } catch (TimeoutException e) {
                lastError = "timed out after " + dev.cutover.spi.Durations.format(step.timeout())
                        + "; the step was stopped";
            } catch (AbortedException e) {
                lastError = "aborted by the operator; the step was stopped";
            } catch (RuntimeException e) {
                LOG.debug("step {} failed unexpectedly", step.id(), e);
                lastError = masker.mask("internal error in " + type.id() + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            boolean retry = attempt < attempts && !(honourAbort && abort.requested());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("error", lastError);
            data.put("outputs", lastOutputs);
            data.put("duration_ms", (System.nanoTime() - t0) / 1_000_000);
            data.put("will_retry", retry);
            journal.append("step.failed", step.id(), sectionName, attempt, data);
            if (retry) {
                listener.note(step.id(), "attempt " + attempt + "/" + attempts + " failed: " + lastError + "; retrying in "
                        + dev.cutover.spi.Durations.format(step.retry().delay()));
                if (!abort.sleep(step.retry().delay(), honourAbort)) {
                    lastError = "aborted by the operator";
                    break;
                }
            } else {
                return finishFailed(step, type, sectionName, attempt, t0, lastError, intent, lastOutputs, mutating,
                        intentRecorded);
            }
        }
        return finishFailed(step, type, sectionName, attempts, t0, lastError, intent, lastOutputs, mutating,
                intentRecorded);
    }

    private Executed approve(StepDef step, StepType type, String section, Interpolator interpolator,
                             List<String> ahead, long t0) {
        journal.append("step.started", step.id(), section, 1, Map.of("uses", step.uses(), "mutating", false));
        listener.stepStarted(section, step.id(), 1);
        try {
            Inputs in = new Inputs(withDefaults(type, interpolator.resolveAll(step.with())), null);
            int required = (int) in.integer("approvals");
            List<Approver.Approval> given = approver.approve(step.id(), in.string("message"), ahead, required);
            java.util.Set<String> names = new java.util.HashSet<>();
            given.forEach(a -> names.add(a.approver().trim().toLowerCase(java.util.Locale.ROOT)));
            if (names.size() < required) {
                throw new Approver.Refused(required + " distinct approvers are required, got " + names.size());
            }
            List<Map<String, Object>> rec = new ArrayList<>();
            for (Approver.Approval a : given) {
                rec.add(Map.of("approver", a.approver(), "time", a.time(), "reason", a.reason()));
                journal.append("approval.granted", step.id(), section, 1, Map.of("approver", a.approver(),
                        "time", a.time(), "reason", a.reason()));
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            journal.append("step.succeeded", step.id(), section, 1, Map.of("outputs", Map.of("approvals", rec),
                    "duration_ms", ms));
            StepOutcome o = new StepOutcome(step.id(), section, StepStatus.SUCCEEDED, 1, ms, "approved by "
                    + String.join(", ", given.stream().map(Approver.Approval::approver).toList()),
                    Map.of("approvals", rec));
            listener.stepFinished(section, o);
            return new Executed(step, type, o, Intent.none(), Map.of(), false, false);
        } catch (Approver.Refused | StepFailedException e) {
            String msg = REFUSED_PREFIX + masker.mask(e.getMessage());
            journal.append("approval.refused", step.id(), section, 1, Map.of("reason", msg));
            journal.append("step.failed", step.id(), section, 1, Map.of("error", msg, "will_retry", false));
            return finishFailed(step, type, section, 1, t0, msg, Intent.none(), Map.of(), false, false);
        }
    }

    Executed finishFailedPublic(StepDef step, StepType type, String section, int attempts, long t0, String error) {
        return finishFailed(step, type, section, attempts, t0, error, Intent.none(), Map.of(), false, false);
    }

    private Executed finishFailed(StepDef step, StepType type, String section, int attempts, long t0, String error,
                                  Intent intent, Map<String, Object> outputs, boolean mutating, boolean recorded) {
        @SuppressWarnings("unchecked")
        Map<String, Object> masked = (Map<String, Object>) masker.maskValue(outputs);
        StepOutcome o = new StepOutcome(step.id(), section, StepStatus.FAILED, attempts,
                (System.nanoTime() - t0) / 1_000_000, error, masked);
        listener.stepFinished(section, o);
        return new Executed(step, type, o, intent, Map.of(), mutating, recorded);
    }

    private Executed failed(StepDef step, StepType type, String section, int attempt, long t0, String error,
                            Intent intent, Map<String, Object> outputs, boolean mutating, boolean recorded) {
        journal.append("step.failed", step.id(), section, attempt == 0 ? 1 : attempt, Map.of("error", error,
                "will_retry", false));
        return finishFailed(step, type, section, Math.max(attempt, 1), t0, error, intent, outputs, mutating, recorded);
    }

    static Map<String, Object> withDefaults(StepType type, Map<String, Object> resolved) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (InputSpec spec : type.inputs()) {
            if (spec.defaultValue() != null) {
                out.put(spec.name(), spec.defaultValue());
            }
        }
        out.putAll(resolved);
        return out;
    }

    /** Work that may throw the step's checked exceptions. */
    interface Work<T> {
        T run() throws StepFailedException, InterruptedException;
    }

    /** Thrown when the operator aborted during a call. */
    static final class AbortedException extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** Runs work on a worker thread, bounded by the timeout and the operator's abort. */
    <T> T call(Work<T> work, Duration timeout, boolean honourAbort)
            throws StepFailedException, TimeoutException, AbortedException {
        Future<T> f = workers.submit(work::run);
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    stop(f);
                    throw new TimeoutException();
                }
                try {
                    return f.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                } catch (TimeoutException poll) {
                    if (honourAbort && abort.requested()) {
                        stop(f);
                        throw new AbortedException();
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof StepFailedException sf) {
                throw sf;
            }
            if (c instanceof InterruptedException) {
                throw new StepFailedException("the step was interrupted");
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            stop(f);
            Thread.currentThread().interrupt();
            throw new AbortedException();
        } catch (CancellationException e) {
            throw new AbortedException();
        }
    }

    private static void stop(Future<?> f) {
        f.cancel(true);
        // give the step a moment to kill its processes; a step that ignores interrupts is abandoned
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!f.isDone() && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void shutdown() {
        workers.shutdownNow();
    }
}
