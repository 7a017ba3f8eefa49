package dev.cutover.run;

import dev.cutover.journal.EventType;
import dev.cutover.journal.JournalWriteException;
import dev.cutover.journal.Payload;
import dev.cutover.journal.Verbatim;
import dev.cutover.runbook.Conditions;
import dev.cutover.runbook.RetryPolicy;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import dev.cutover.spi.Approval;
import dev.cutover.spi.Change;
import dev.cutover.spi.Check;
import dev.cutover.spi.Durations;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.Probeable;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepRefusedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;
import dev.cutover.spi.Undoable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs steps, undos, probes and polls, for a run, a rollback, a resume and the plugin test kit alike:
 * the condition, the inputs (interpolated, defaulted, checked), the intent journaled before a change,
 * attempts with their delay, the timeout and the operator's abort, and after a change that failed, the
 * probe that decides whether it must be undone. Every event is journaled before the run goes on.
 */
final class StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);
    /** The start of an outcome message of a step that people refused. */
    static final String REFUSED_PREFIX = "approval refused: ";
    /** The environment variable that tags every process a step starts (see the shell plugin). */
    static final String PROCESS_TAG_VARIABLE = "CUTOVER_STEP_TAG";

    private final RunContext rc;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cutover-step");
        t.setDaemon(true);
        return t;
    });

    /** The host this runner's steps work on: this machine, or one fleet host. */
    private final dev.cutover.spi.Host host;

    StepRunner(RunContext rc) {
        this(rc, dev.cutover.spi.LocalHost.INSTANCE);
    }

    StepRunner(RunContext rc, dev.cutover.spi.Host host) {
        this.rc = rc;
        this.host = host;
    }

    dev.cutover.spi.Host host() {
        return host;
    }

    /**
     * A step id as its process tags name it: on a fleet host {@code step@host}, so that stopping one host's
     * step (a timeout, the end of a shell.exec) never touches the same step on another host of its batch.
     */
    String tagged(String stepId) {
        return host == dev.cutover.spi.LocalHost.INSTANCE ? stepId : stepId + "@" + host.name();
    }

    RunContext context() {
        return rc;
    }

    /** The tag a step's processes carry, journaled with its intent so a resume can find them. */
    static String processTag(String runId, String stepId) {
        return dev.cutover.spi.ChildProcesses.tag(runId, stepId);
    }

    StepType type(String uses) {
        return rc.registry().find(uses).orElseThrow(() -> new IllegalStateException("unknown step type '" + uses
                + "' (the loader should have refused the runbook)"));
    }

    /** Whether this step (as written) only reads. */
    boolean readOnly(StepDef step) {
        return type(step.uses()).readOnly(step.with());
    }

    /**
     * Runs a step of a section.
     *
     * @param honourAbort whether Ctrl-C stops it (false during a rollback)
     * @param ahead       the steps after it in its section ("id (uses)"), shown to approvers
     */
    Executed run(StepDef step, String section, Interpolator ip, Map<String, Object> conditionVars,
                 boolean honourAbort, List<String> ahead) {
        long t0 = System.nanoTime();
        StepType type = type(step.uses());
        if (step.when() != null) {
            boolean go;
            try {
                go = Conditions.evaluate(step.when(), conditionVars);
            } catch (IllegalArgumentException e) {
                return failedBeforeStart(step, type, section, t0, "condition '" + step.when() + "' cannot be "
                        + "evaluated: " + mask(e.getMessage()));
            }
            if (!go) {
                rc.journal().append(EventType.STEP_SKIPPED, step.id(), section, null, Map.of("when", step.when(),
                        "reason", "condition is false"));
                StepOutcome o = new StepOutcome(step.id(), section, StepStatus.SKIPPED, 0, 0,
                        "condition false: " + step.when(), Map.of());
                rc.listener().stepFinished(section, o);
                return new Executed(step, type, o, Intent.none(), Map.of(), null, false, false, false, false);
            }
        }
        Map<String, Object> inputs;
        try {
            inputs = withDefaults(type, ip.resolveAll(step.with()));
        } catch (StepFailedException e) {
            return failedBeforeStart(step, type, section, t0, mask(e.getMessage()));
        }
        return execute(step, type, section, inputs, ip, honourAbort, ahead, true, t0);
    }

    /** Runs a step with resolved inputs, as a run would (the test kit). */
    Executed runResolved(StepDef step, StepType type, String section, Map<String, Object> inputs) {
        return execute(step, type, section, inputs, null, false, List.of(), true, System.nanoTime());
    }

    /**
     * Runs a step whose inputs are already resolved (an undo step with the inputs recorded before the
     * change). {@code probeOnFailure}: whether a change that fails is probed to decide its undo.
     */
    private Executed execute(StepDef step, StepType type, String section, Map<String, Object> inputs,
                             Interpolator ip, boolean honourAbort, List<String> ahead, boolean probeOnFailure,
                             long t0) {
        boolean mutating = !type.readOnly(step.with());
        RunStepContext ctx = contextFor(step.id(), section, inputs, step.timeout(), false, ahead);
        Intent intent = Intent.none();
        Map<String, Object> undoInputs = null;
        boolean recorded = false;
        boolean refused = false;
        int attempts = step.retry().attempts();
        int attempt = 0;
        String lastError = "";
        Map<String, Object> lastOutputs = Map.of();
        while (attempt < attempts) {
            attempt++;
            if (honourAbort && rc.abort().requested()) {
                lastError = interruption() + " before the attempt started";
                break;
            }
            rc.listener().stepStarted(section, step.id(), attempt);
            // for the record only (recovery uses the intent's exact inputs): password-like options are masked too
            @SuppressWarnings("unchecked")
            Payload.StepStarted started = new Payload.StepStarted(step.uses(),
                    (Map<String, Object>) dev.cutover.secrets.CommandLines.maskValue(inputs), mutating,
                    step.timeout() == null ? null : step.timeout().toMillis());
            if (!mutating || !recorded) {
                // the next event is fsync'd before anything can change (a change's intent, or a check's
                // outcome), and that fsync covers this line too
                rc.journal().appendBuffered(step.id(), section, attempt, started);
            } else {
                rc.journal().append(step.id(), section, attempt, started);
            }
            try {
                StepResult r;
                if (mutating) {
                    Change change = (Change) type;
                    if (!recorded) {
                        intent = call(() -> change.prepare(ctx), step.timeout(), honourAbort, ctx.processTag());
                        undoInputs = resolveUndoInputs(step, ip);
                        rc.journal().append(step.id(), section, attempt,
                                intentPayload(step, type, intent, inputs, undoInputs));
                        recorded = true;
                    }
                    final Intent in = intent;
                    r = call(() -> change.apply(ctx, in), step.timeout(), honourAbort, ctx.processTag());
                } else {
                    Check check = (Check) type;
                    r = call(() -> check.check(ctx), step.timeout(), honourAbort, ctx.processTag());
                }
                return succeeded(step, type, section, attempt, t0, r, intent, inputs, undoInputs, mutating, recorded,
                        ctx.polls());
            } catch (StepRefusedException e) {
                refused = true;
                lastError = REFUSED_PREFIX + mask(e.getMessage());
                rc.journal().append(EventType.APPROVAL_REFUSED, step.id(), section, attempt, Map.of("reason",
                        lastError));
            } catch (StepFailedException e) {
                lastError = mask(String.valueOf(e.getMessage()));
                lastOutputs = e.outputs();
            } catch (TimeoutException e) {
                lastError = "timed out after " + Durations.format(step.timeout()) + "; the step and its processes "
                        + "were stopped";
            } catch (AbortedException e) {
                lastError = interruption() + "; the step and its processes were stopped";
            } catch (JournalWriteException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.debug("step {} failed unexpectedly", step.id(), e);
                lastError = mask("internal error in " + type.id() + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            boolean retry = !refused && attempt < attempts && !(honourAbort && rc.abort().requested());
            rc.journal().append(step.id(), section, attempt, new Payload.StepFailed(lastError, lastOutputs,
                    (System.nanoTime() - t0) / 1_000_000, retry));
            if (!retry) {
                break;
            }
            rc.listener().note(step.id(), "attempt " + attempt + "/" + attempts + " failed: " + lastError
                    + "; retrying in " + Durations.format(step.retry().delay()));
            if (!rc.abort().sleep(step.retry().delay(), honourAbort)) {
                lastError = interruption() + " while waiting to retry";
                break;
            }
        }
        boolean mayHaveChanged = false;
        if (mutating && recorded && probeOnFailure) {
            mayHaveChanged = probeAfterFailure(step, type, section, inputs, intent, ip);
        }
        StepOutcome o = new StepOutcome(step.id(), section, StepStatus.FAILED, Math.max(attempt, 1),
                (System.nanoTime() - t0) / 1_000_000, lastError, maskMap(lastOutputs));
        rc.listener().stepFinished(section, o);
        return new Executed(step, type, o, intent, inputs, undoInputs, mutating, recorded, mayHaveChanged, refused);
    }

    private Executed succeeded(StepDef step, StepType type, String section, int attempt, long t0, StepResult r,
                               Intent intent, Map<String, Object> inputs, Map<String, Object> undoInputs,
                               boolean mutating, boolean recorded, int polls) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        rc.journal().append(step.id(), section, attempt, new Payload.StepSucceeded(r.changed(), r.outputs(), ms,
                r.message(), polls));
        StepOutcome o = new StepOutcome(step.id(), section, r.changed() ? StepStatus.SUCCEEDED : StepStatus.UNCHANGED,
                attempt, ms, mask(r.message()), maskMap(r.outputs()));
        rc.listener().stepFinished(section, o);
        return new Executed(step, type, o, intent, inputs, undoInputs, mutating, recorded, mutating && recorded,
                false);
    }

    private Payload.StepIntent intentPayload(StepDef step, StepType type, Intent intent, Map<String, Object> inputs,
                                             Map<String, Object> undoInputs) {
        @SuppressWarnings("unchecked")
        Map<String, Object> undo = (Map<String, Object>) RecordedValues.encode(intent.data(), null);
        return new Payload.StepIntent(undo, step.undo() != null ? "step" : step.noUndo() != null ? "none"
                : type instanceof Undoable ? "built-in" : "none", RecordedValues.encodeMap(inputs, step.with()),
                step.undo() != null ? step.undo().uses() : null,
                step.undo() != null && undoInputs != null ? RecordedValues.encodeMap(undoInputs, step.undo().with())
                        : null, processTag(rc.runId(), tagged(step.id())));
    }

    /**
     * A runbook undo's inputs, resolved now, before the change, so a later rollback uses this run's
     * values; null when they name outputs that do not exist yet (then they are resolved when undoing).
     */
    private Map<String, Object> resolveUndoInputs(StepDef step, Interpolator ip) {
        if (step.undo() == null) {
            return null;
        }
        try {
            return withDefaults(type(step.undo().uses()), ip.resolveAll(step.undo().with()));
        } catch (StepFailedException e) {
            return null;
        }
    }

    /**
     * After a change failed, timed out or was interrupted once its intent was journaled: did it change
     * anything? Its runbook {@code probe:} or its type's probe decides; when neither can rule a change
     * out, it is undone with the others.
     */
    private boolean probeAfterFailure(StepDef step, StepType type, String section, Map<String, Object> inputs,
                                      Intent intent, Interpolator ip) {
        Probe p = probe(step, type, inputs, intent, ip);
        boolean undo = p.result() != ProbeResult.NOT_DONE;
        rc.journal().append(step.id(), section, null, new Payload.StepProbed(p.result().name(), p.how(), "failure",
                undo && (step.undo() != null || type instanceof Undoable)));
        rc.listener().note(step.id(), "failed after it may have changed something; " + p.how() + " says "
                + p.result().name() + (undo ? (step.noUndo() != null ? "; it has no undo (" + step.noUndo() + ")"
                : "; it will be undone with the others") : "; nothing to undo"));
        return undo;
    }

    /** A probe's answer and how it was reached. */
    record Probe(ProbeResult result, String how) {
    }

    /** Asks a step's runbook {@code probe:} (passes: done, fails: not done) or its type's probe. */
    Probe probe(StepDef step, StepType type, Map<String, Object> inputs, Intent intent, Interpolator ip) {
        if (step.probe() != null) {
            StepDef probe = new StepDef(step.id() + ".probe", step.probe().uses(), "probe of " + step.id(),
                    step.probe().with(), step.probe().timeout(), RetryPolicy.NONE, null, null, null, null, false,
                    Section.PREFLIGHT, step.probe().location());
            StepType pt = type(probe.uses());
            if (!(pt instanceof Check)) {
                return new Probe(ProbeResult.UNKNOWN, "probe step " + probe.uses() + " (not a check)");
            }
            Map<String, Object> in;
            try {
                in = withDefaults(pt, ip.resolveAll(probe.with()));
            } catch (StepFailedException e) {
                return new Probe(ProbeResult.UNKNOWN, "probe step " + probe.uses() + " (" + mask(e.getMessage())
                        + ")");
            }
            Executed ex = execute(probe, pt, "probe", in, ip, false, List.of(), false, System.nanoTime());
            return new Probe(ex.outcome().status() == StepStatus.FAILED ? ProbeResult.NOT_DONE : ProbeResult.DONE,
                    "probe step " + probe.uses());
        }
        if (type instanceof Probeable p) {
            RunStepContext ctx = contextFor(step.id(), "probe", inputs, step.timeout(), false, List.of());
            try {
                ProbeResult r = call(() -> p.probe(ctx, intent), step.timeout() == null ? Duration.ofMinutes(5)
                        : step.timeout(), false, ctx.processTag());
                return new Probe(r, type.id() + " probe");
            } catch (StepFailedException | TimeoutException | AbortedException e) {
                return new Probe(ProbeResult.UNKNOWN, type.id() + " probe (it did not answer)");
            } catch (JournalWriteException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.debug("probe of {} failed", step.id(), e);
                return new Probe(ProbeResult.UNKNOWN, type.id() + " probe (" + e.getClass().getSimpleName() + ")");
            }
        }
        return new Probe(ProbeResult.UNKNOWN, "nothing can tell (" + type.id() + " has no probe and the step no "
                + "probe:)");
    }

    /**
     * Undoes one step: its runbook {@code undo:} with the inputs recorded before the change, or its
     * type's built-in undo with its intent. Returns the error, or null when it was undone.
     */
    String undo(Executed ex, Interpolator ip) {
        StepDef step = ex.step();
        long t0 = System.nanoTime();
        if (step.undo() != null) {
            StepType ut = type(step.undo().uses());
            rc.journal().append(EventType.UNDO_STARTED, step.id(), "undo", null, Map.of("kind", "step", "uses",
                    ut.id(), "process_tag", dev.cutover.spi.ChildProcesses.tag(rc.runId(), tagged(step.id()), "undo")));
            Map<String, Object> in;
            try {
                in = ex.undoInputs() != null ? ex.undoInputs()
                        : withDefaults(ut, ip.resolveAll(step.undo().with()));
            } catch (StepFailedException e) {
                String err = "its inputs cannot be resolved: " + mask(e.getMessage());
                rc.journal().append(EventType.UNDO_FAILED, step.id(), "undo", null, Map.of("error", err));
                recordUndo(step.id(), t0, err);
                return err;
            }
            StepDef undoStep = new StepDef(step.id(), step.undo().uses(), "undo of " + step.id(), step.undo().with(),
                    step.undo().timeout(), RetryPolicy.NONE, null, null, "undo", null, false, Section.ROLLBACK,
                    step.undo().location());
            rc.listener().stepStarted("undo", step.id(), 1);
            Executed r = execute(undoStep, ut, "undo", in, ip, false, List.of(), false, t0);
            undone.add(r.outcome());
            boolean ok = r.outcome().status() != StepStatus.FAILED;
            rc.journal().append(ok ? EventType.UNDO_SUCCEEDED : EventType.UNDO_FAILED, step.id(), "undo", null,
                    ok ? Map.of() : Map.of("error", r.outcome().message()));
            return ok ? null : r.outcome().message();
        }
        if (step.noUndo() != null) {
            rc.journal().append(EventType.UNDO_SKIPPED, step.id(), "undo", null, Map.of("reason", step.noUndo()));
            StepOutcome o = new StepOutcome(step.id(), "undo", StepStatus.NOT_UNDONE, 0, 0,
                    "no undo: " + step.noUndo(), Map.of());
            rc.listener().stepFinished("undo", o);
            undone.add(o);
            return null;
        }
        rc.listener().stepStarted("undo", step.id(), 1);
        rc.journal().append(EventType.UNDO_STARTED, step.id(), "undo", null, Map.of("kind", "built-in", "uses",
                ex.type().id(), "undo", new Verbatim(RecordedValues.encode(ex.intent().data(), null)), "process_tag",
                dev.cutover.spi.ChildProcesses.tag(rc.runId(), tagged(step.id()), "undo")));
        String error = null;
        Map<String, Object> outputs = Map.of();
        if (!(ex.type() instanceof Undoable u)) {
            error = ex.type().id() + " cannot undo itself and the step has no undo:";
        } else {
            RunStepContext ctx = contextFor(step.id(), "undo", ex.inputs(), step.timeout(), false, List.of());
            try {
                StepResult r = call(() -> u.undo(ctx, ex.intent()), step.timeout(), false, ctx.processTag());
                outputs = r.outputs();
            } catch (StepFailedException e) {
                error = mask(e.getMessage());
            } catch (TimeoutException e) {
                error = "undo timed out after " + Durations.format(step.timeout());
            } catch (AbortedException e) {
                error = "undo was interrupted";
            } catch (JournalWriteException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.debug("undo of {} failed", step.id(), e);
                error = mask("internal error: " + e);
            }
        }
        if (error == null) {
            rc.journal().append(EventType.UNDO_SUCCEEDED, step.id(), "undo", null, Map.of("outputs", outputs,
                    "duration_ms", (System.nanoTime() - t0) / 1_000_000));
        } else {
            rc.journal().append(EventType.UNDO_FAILED, step.id(), "undo", null, Map.of("error", error));
        }
        recordUndo(step.id(), t0, error);
        return error;
    }

    private final List<StepOutcome> undone = new ArrayList<>();

    private void recordUndo(String stepId, long t0, String error) {
        StepOutcome o = new StepOutcome(stepId, "undo", error == null ? StepStatus.UNDONE : StepStatus.UNDO_FAILED,
                1, (System.nanoTime() - t0) / 1_000_000, error == null ? "" : error, Map.of());
        undone.add(o);
        rc.listener().stepFinished("undo", o);
    }

    /** The outcomes of built-in undos and skipped undos since the last call, for the run's summary. */
    List<StepOutcome> drainUndoOutcomes() {
        List<StepOutcome> out = List.copyOf(undone);
        undone.clear();
        return out;
    }

    /** One poll of {@code wait.until}: a read-only step type's check, journaled. */
    StepResult poll(RunStepContext outer, String uses, Map<String, Object> with) throws StepFailedException,
            InterruptedException {
        StepType t = rc.registry().find(uses).orElse(null);
        if (!(t instanceof Check check) || !t.readOnly(with)) {
            throw new StepFailedException("wait.until polls only read-only step types, got '" + uses + "'");
        }
        for (String key : with.keySet()) {
            if (t.inputs().stream().noneMatch(s -> s.name().equals(key))) {
                throw new StepFailedException(uses + " has no input '" + key + "'");
            }
        }
        Map<String, Object> in = withDefaults(t, with);
        for (InputSpec s : t.inputs()) {
            if (s.required() && in.get(s.name()) == null) {
                throw new StepFailedException(uses + " needs input '" + s.name() + "'");
            }
        }
        int n = outer.nextPoll();
        RunStepContext ctx = contextFor(outer.stepId(), outer.section(), in, outer.timeout().orElse(null), false,
                List.of());
        try {
            StepResult r = check.check(ctx);
            rc.journal().append(EventType.WAIT_POLL, outer.stepId(), outer.section(), null, Map.of("poll", n,
                    "uses", uses, "ok", true));
            return r;
        } catch (StepFailedException e) {
            rc.journal().append(EventType.WAIT_POLL, outer.stepId(), outer.section(), null, Map.of("poll", n,
                    "uses", uses, "error", mask(String.valueOf(e.getMessage()))));
            throw e;
        }
    }

    /**
     * An approval step. With approvers' keys configured, only approvals signed with them count
     * ({@code cutover approve RUN --step ID --key FILE}, from any seat), one per key: the step waits for
     * them. Without keys, the run's approver asks on a terminal or honours {@code --approve}, which can
     * vouch for one person only, so a step that needs two or more approvers is refused: two names typed
     * at one keyboard are not two people.
     */
    List<Approval> approve(RunStepContext ctx, String message, int required) throws StepFailedException,
            InterruptedException {
        if (!rc.approverKeys().isEmpty()) {
            return signedApprovals(ctx, message, required);
        }
        if (required >= 2) {
            throw new StepRefusedException(required + " distinct approvers are required, and cutover can tell people "
                    + "apart only by their keys: configure the approvers' public keys (--approver-keys DIR or "
                    + "CUTOVER_APPROVER_KEYS) and have each approver run 'cutover approve " + rc.runId() + " --step "
                    + ctx.stepId() + " --key THEIR_KEY'");
        }
        List<Approver.Approval> given;
        try {
            given = rc.approver().approve(ctx.stepId(), message, ctx.ahead(), required);
        } catch (Approver.Refused e) {
            throw new StepRefusedException(e.getMessage());
        }
        Set<String> names = new HashSet<>();
        given.forEach(a -> names.add(a.approver().trim().toLowerCase(Locale.ROOT)));
        if (names.size() < required) {
            throw new StepRefusedException(required + " distinct approvers are required, got " + names.size());
        }
        List<Approval> out = new ArrayList<>();
        for (Approver.Approval a : given) {
            rc.journal().append(EventType.APPROVAL_GRANTED, ctx.stepId(), ctx.section(), 1, Map.of("approver",
                    a.approver(), "time", a.time(), "reason", a.reason()));
            out.add(new Approval(a.approver(), a.time(), a.reason()));
        }
        return out;
    }

    private List<Approval> signedApprovals(RunStepContext ctx, String message, int required)
            throws StepFailedException, InterruptedException {
        dev.cutover.approval.ApprovalCheck.Expected expected = dev.cutover.approval.ApprovalCheck.Expected.of(
                rc.journal().events().get(0), ctx.stepId());
        rc.listener().note(ctx.stepId(), "APPROVAL NEEDED: " + message + " -- waiting for " + required
                + " signed approval(s); each approver runs: cutover approve " + rc.runId() + " --step "
                + ctx.stepId() + " --key THEIR_KEY");
        List<Approval> out = new ArrayList<>();
        Set<String> counted = new HashSet<>();
        Set<String> reported = new HashSet<>();
        while (true) {
            dev.cutover.approval.ApprovalCheck.Collected c;
            try {
                c = dev.cutover.approval.ApprovalCheck.collect(rc.runDir(), expected, rc.approverKeys());
            } catch (java.io.IOException e) {
                throw new StepFailedException("cannot read the approvals of step '" + ctx.stepId() + "': "
                        + e.getMessage());
            }
            for (String r : c.rejected()) {
                if (reported.add(r)) {
                    rc.journal().append(EventType.APPROVAL_REJECTED, ctx.stepId(), ctx.section(), 1,
                            Map.of("reason", mask(r)));
                    rc.listener().note(ctx.stepId(), "an approval does not count: " + mask(r));
                }
            }
            for (dev.cutover.approval.SignedApproval a : c.valid()) {
                if (counted.add(a.fingerprint())) {
                    rc.journal().append(EventType.APPROVAL_GRANTED, ctx.stepId(), ctx.section(), 1, a.fields());
                    Object time = a.fields().get("time");
                    out.add(new Approval(a.approver(), time == null ? "" : time.toString(), a.reason()));
                    rc.listener().note(ctx.stepId(), "approved by " + a.approver() + " (key " + a.fingerprint()
                            + "), " + counted.size() + " of " + required);
                }
            }
            if (counted.size() >= required) {
                return out;
            }
            Thread.sleep(500);
        }
    }

    RunStepContext contextFor(String stepId, String section, Map<String, Object> inputs, Duration timeout,
                              boolean dryRun, List<String> ahead) {
        return new RunStepContext(stepId, section, new Inputs(inputs, rc.baseDirectory()), rc.runDir(), rc.runId(),
                Optional.ofNullable(timeout), dryRun, ahead, this);
    }

    private Executed failedBeforeStart(StepDef step, StepType type, String section, long t0, String error) {
        rc.journal().append(step.id(), section, 1, new Payload.StepFailed(error, null, null, false));
        StepOutcome o = new StepOutcome(step.id(), section, StepStatus.FAILED, 1, (System.nanoTime() - t0) / 1_000_000,
                error, Map.of());
        rc.listener().stepFinished(section, o);
        return new Executed(step, type, o, Intent.none(), Map.of(), null, false, false, false, false);
    }

    /** What stopped the run, in the journal's words. */
    String interruption() {
        return rc.abort().describe("aborted");
    }

    String mask(String text) {
        return rc.masker().mask(text);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> maskMap(Map<String, Object> m) {
        return (Map<String, Object>) rc.masker().maskValue(m);
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

    /** Work that may throw a step's checked exceptions. */
    interface Work<T> {
        T run() throws StepFailedException, InterruptedException;
    }

    /** Thrown when the operator or a signal aborted during a call. */
    static final class AbortedException extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** Runs work on a worker thread, bounded by the timeout and (when {@code honourAbort}) the abort. */
    <T> T call(Work<T> work, Duration timeout, boolean honourAbort)
            throws StepFailedException, TimeoutException, AbortedException {
        return call(work, timeout, honourAbort, null);
    }

    /**
     * Like {@link #call(Work, Duration, boolean)}; on a timeout or an abort, once the work has stopped,
     * every process tagged {@code processTag} (and its sessions, groups and orphans) is killed too, so
     * nothing the step started outlives it.
     */
    <T> T call(Work<T> work, Duration timeout, boolean honourAbort, String processTag)
            throws StepFailedException, TimeoutException, AbortedException {
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        String fleetHost = dev.cutover.journal.Journal.currentHost();
        Future<T> f = workers.submit(() -> {
            dev.cutover.journal.Journal.onHost(fleetHost); // what the step journals (polls) names its host
            try {
                return work.run();
            } finally {
                dev.cutover.journal.Journal.onHost(null);
                ended.countDown();
            }
        });
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    stop(f, ended);
                    killTree(processTag);
                    throw new TimeoutException();
                }
                try {
                    return f.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                } catch (TimeoutException poll) {
                    if (honourAbort && rc.abort().requested()) {
                        stop(f, ended);
                        killTree(processTag);
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
                throw new AbortedException();
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            stop(f, ended);
            killTree(processTag);
            Thread.currentThread().interrupt();
            throw new AbortedException();
        } catch (CancellationException e) {
            throw new AbortedException();
        }
    }

    /** Kills what a stopped step left running, and says so on the console. */
    private void killTree(String processTag) {
        if (processTag == null) {
            return;
        }
        dev.cutover.spi.ChildProcesses.Stopped s = dev.cutover.spi.ChildProcesses.killTagged(processTag);
        if (s.any()) {
            LOG.debug("stopped {}", s.describe());
        }
    }

    /**
     * Interrupts the work and waits until its thread has really ended (a step stops its processes when
     * interrupted), so nothing it started is still running when the run probes or undoes it; a step
     * that ignores interrupts for 10 s is abandoned.
     */
    private static void stop(Future<?> f, java.util.concurrent.CountDownLatch ended) {
        f.cancel(true);
        try {
            if (!ended.await(10, TimeUnit.SECONDS)) {
                LOG.warn("a step did not stop within 10 s of being interrupted; abandoning it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void shutdown() {
        workers.shutdownNow();
    }
}
