package dev.cutover.rehearse;

import dev.cutover.drift.DriftComparer;
import dev.cutover.drift.DriftReport;
import dev.cutover.drift.EnvironmentFacts;
import dev.cutover.drift.FactGatherer;
import dev.cutover.journal.JournalVerifier;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.run.Abort;
import dev.cutover.run.Engine;
import dev.cutover.run.RunListener;
import dev.cutover.run.RunOptions;
import dev.cutover.run.RunOutcome;
import dev.cutover.run.RunStatus;
import dev.cutover.run.StepStatus;
import dev.cutover.runbook.Runbook;
import dev.cutover.secrets.Masker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rehearses a runbook's rollbacks for real: records the environment's facts (as {@code cutover drift}
 * gathers them), runs the runbook with a failure injected right after one mutating step, lets the
 * engine roll back exactly as in production, gathers the facts again and compares. A rollback is
 * proven when the run ends ROLLED_BACK and every fact is as it was. Every run is journaled as a rehearsal.
 */
public final class Rehearsal {
    /** Rehearsal-only ignores on top of drift's: timings anywhere in an output ({@code checked_ms}). */
    public static final List<String> EXTRA_IGNORES = List.of("*_ms");

    private final StepTypeRegistry registry;
    private final java.util.concurrent.atomic.AtomicReference<Abort> current = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean interrupted;

    public Rehearsal(StepTypeRegistry registry) {
        this.registry = registry;
    }

    /**
     * The operator's Ctrl-C: stops the current run as the engine does (its rollback still runs to the
     * end) and starts no further run.
     *
     * @return false when the current run is already rolling back and cannot be stopped
     */
    public boolean interrupt() {
        interrupted = true;
        Abort a = current.get();
        return a == null || a.request();
    }

    private RunOutcome runOnce(Runbook rb, Map<String, Object> params, RunOptions options, Masker masker,
                               RunListener listener) throws IOException {
        Abort abort = new Abort();
        current.set(abort);
        if (interrupted) {
            abort.request();
        }
        try {
            return new Engine(registry).run(rb, params, options, masker, listener, abort);
        } finally {
            current.set(null);
        }
    }

    /** Reports each attempt as it finishes, and what the rehearsal is doing, for the console. */
    public interface Progress {
        Progress NONE = new Progress() { };

        default void message(String line) {
        }

        default void attemptFinished(Attempt attempt) {
        }
    }

    /**
     * Runs the rehearsal.
     *
     * @param plan      where to inject, from {@link RehearsalPlan}
     * @param keepGoing go on after a rollback that was not proven (never after a failed rollback)
     * @param base      the run options: state directory, operator, environment, windows, approver;
     *                  dry run, rehearsal and failure injection are set here
     * @param ignores   fact key patterns left out of the comparison
     * @throws IOException when a journal cannot be created
     */
    public RehearsalReport run(Runbook rb, Map<String, Object> params, RehearsalPlan plan, boolean keepGoing,
                               RunOptions base, List<String> ignores, Masker masker, RunListener listener,
                               Progress progress) throws IOException {
        String env = base.environment() == null ? "this environment" : base.environment();
        FactGatherer gatherer = new FactGatherer(registry);
        DriftComparer comparer = new DriftComparer(ignores);
        EnvironmentFacts before = gatherer.gather(env, rb, params, options(base, true, null), masker, RunListener.NONE);
        String factsRun = before.source();
        if (!before.gaps().isEmpty()) {
            List<String> gaps = before.gaps().stream().map(g -> "'" + g.stepId() + "': " + g.message()).toList();
            return new RehearsalReport(env, factsRun, List.of(), plan.targets(), "could not record the facts of "
                    + env + " before the rehearsal (" + String.join("; ", gaps) + "); nothing was run", ignores);
        }
        progress.message("recorded the facts of " + env + ": " + before.steps().size() + " fact step(s) ("
                + factsRun + ")");
        List<Attempt> attempts = new ArrayList<>();
        List<String> notRun = new ArrayList<>(plan.notRun());
        String stopped = "";
        List<String> targets = plan.targets();
        for (int i = 0; i < targets.size(); i++) {
            String target = targets.get(i);
            if (interrupted) {
                stopped = "interrupted by the operator";
                targets.subList(i, targets.size()).forEach(t -> notRun.add(t + ": the rehearsal was interrupted first"));
                break;
            }
            progress.message("rehearsal " + (i + 1) + " of " + targets.size() + ": failure injected after step '"
                    + target + "'");
            RunOutcome o = runOnce(rb, params, options(base, false, target), masker, listener);
            EnvironmentFacts after = gatherer.gather(env, rb, params, options(base, true, null), masker,
                    RunListener.NONE);
            DriftReport d = comparer.compare(List.of(Leftovers.label(Leftovers.BEFORE, before),
                    Leftovers.label(Leftovers.AFTER, after)));
            boolean injected = injected(o, target);
            Attempt a = new Attempt(target, o.runId(), o.journal(), o.status(), injected,
                    d.differences().isEmpty() && d.gaps().isEmpty(),
                    Leftovers.describe(target, d.differences(), d.gaps(), after), millis(o), note(o, target, injected));
            attempts.add(a);
            progress.attemptFinished(a);
            stopped = interrupted ? "interrupted by the operator" : stopReason(a, keepGoing);
            if (!stopped.isEmpty()) {
                targets.subList(i + 1, targets.size()).forEach(t -> notRun.add(t + (interrupted ? ": the rehearsal was "
                        + "interrupted first" : ": the rehearsal stopped first")));
                break;
            }
            before = after;
        }
        if (plan.applyAgain() && stopped.isEmpty() && attempts.stream().allMatch(Attempt::proven) && !interrupted) {
            progress.message("forward again: the whole runbook, no failure injected");
            RunOutcome o = runOnce(rb, params, options(base, false, null), masker, listener);
            Attempt a = new Attempt(null, o.runId(), o.journal(), o.status(), false, null, List.of(), millis(o),
                    o.status() == RunStatus.SUCCEEDED ? "the forward path works after the rollback; the change is "
                            + "now applied" : "the forward path failed after the rollback: " + o.reason());
            attempts.add(a);
            progress.attemptFinished(a);
        }
        return new RehearsalReport(env, factsRun, attempts, notRun, stopped, ignores);
    }

    private static String stopReason(Attempt a, boolean keepGoing) {
        return switch (a.status()) {
            case ROLLBACK_FAILED -> "the rollback after step '" + a.injectedAt() + "' failed: do the manual actions "
                    + "in its journal before anything else";
            case PREFLIGHT_FAILED -> "preflight failed, so nothing can be rehearsed until it passes";
            case REFUSED -> "the run was refused";
            default -> a.proven() || keepGoing ? "" : "stopped at the first rollback that was not proven "
                    + "(--keep-going rehearses the rest)";
        };
    }

    private static String note(RunOutcome o, String target, boolean injected) {
        if (!injected) {
            return "the failure was not injected: the run ended " + o.status()
                    + (o.reason().isEmpty() ? "" : " (" + o.reason() + ")") + " before step '" + target + "' completed";
        }
        boolean skipped = o.steps().stream().anyMatch(s -> s.id().equals(target) && "steps".equals(s.section())
                && s.status() == StepStatus.SKIPPED);
        return skipped ? "step '" + target + "' was skipped by its condition; the rollback of the steps before it "
                + "was rehearsed" : "";
    }

    private static boolean injected(RunOutcome o, String target) throws IOException {
        return JournalVerifier.verify(o.journal()).events().stream()
                .anyMatch(e -> "fault.injected".equals(e.event()) && target.equals(e.step()));
    }

    private static long millis(RunOutcome o) {
        return Duration.between(o.started(), o.finished()).toMillis();
    }

    /** A copy of {@code base} marked as a rehearsal, as a plan or a run with a failure injected after {@code failAfter}. */
    static RunOptions options(RunOptions base, boolean dryRun, String failAfter) {
        return new RunOptions(base.stateDirectory(), dryRun, base.operator(), base.ticket(), base.environment(),
                base.environmentVariables(), true, failAfter, base.windows(), base.overrideWindowReason(),
                base.approver(), base.approverKeys(), base.environmentFile(), base.fleet());
    }
}
