package dev.cutover.cli;

import dev.cutover.drift.DriftComparer;
import dev.cutover.drift.FactGatherer;
import dev.cutover.rehearse.Attempt;
import dev.cutover.rehearse.Rehearsal;
import dev.cutover.rehearse.RehearsalPlan;
import dev.cutover.rehearse.RehearsalReport;
import dev.cutover.run.Engine;
import dev.cutover.run.RunOptions;
import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.ParamResolver;
import dev.cutover.spi.Values;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cutover rehearse}: runs a runbook for real with injected failures and proves each rollback restores the facts. */
@Command(name = "rehearse", mixinStandardHelpOptions = true,
        description = {"Rehearse the rollback for real in a rehearsal environment: record the environment's facts "
                + "(every preflight and 'fact: true' step, as 'cutover drift' gathers them), run the runbook with a "
                + "failure injected right after a mutating step, let the automatic rollback run, then gather the facts "
                + "again. A rollback is proven when the run ends ROLLED_BACK and every fact is as it was.",
                "Exit 0 only if every rollback was proven; 1 a rollback was not proven (the leftover differences are "
                        + "listed); 2 invalid input; 3 nothing ran (facts not gathered, preflight failed); 4 a "
                        + "rollback failed; 5 refused (production environment, lock, window, state directory)."})
final class RehearseCommand implements Callable<Integer> {
    @Mixin
    RunbookOptions runbook;

    @Mixin
    GlobalOptions global;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    /** Where to inject failures: exactly one. */
    static final class Mode {
        @Option(names = "--fail-at", paramLabel = "STEP-ID", required = true,
                description = "Inject a failure right after this mutating step completes.")
        String failAt;

        @Option(names = "--fail-each", required = true,
                description = "Once per mutating step, each in a fresh run: inject a failure right after it.")
        boolean failEach;

        @Option(names = "--apply-rollback-apply", required = true,
                description = "Apply every step, roll back (failure injected after the last one), prove the facts are "
                        + "restored, then run forward again: the change is applied at the end.")
        boolean applyRollbackApply;
    }

    @Option(names = "--keep-going", description = "Go on after a rollback that was not proven (never after a failed "
            + "rollback); by default the rehearsal stops there, since the next run would not start from the same place.")
    boolean keepGoing;

    @Option(names = "--i-know-this-is-production", description = "Rehearse in an environment whose file says "
            + "'production: true' (refused otherwise).")
    boolean production;

    @Option(names = "--ignore", paramLabel = "KEY-PATTERN", description = "Leave facts whose key matches this glob out "
            + "of the comparison (repeat); timings, pids and start times are left out by default.")
    List<String> ignores = new ArrayList<>();

    @Mixin
    SharedOptions.Operator operator;

    @Mixin
    SharedOptions.Ticket ticket;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Prepared p;
        try {
            p = Prepared.load(runbook, true);
        } catch (InvalidRunbookException e) {
            return ValidateCommand.report(spec, global, e);
        }
        if (LintReport.of(p, runbook.allow).print(spec, global)) {
            return 2; // the change-safety lints validate enforces (unless --allow ID)
        }
        if (isProduction(p.env())) {
            if (!production) {
                throw new ExitException.Refused(
                        "cutover rehearse: refusing: " + p.env().file() + " says 'production: true'. A rehearsal "
                        + "changes the environment for real and rolls it back on purpose; rehearse in a rehearsal "
                        + "environment, or add --i-know-this-is-production. Nothing was run.");
            }
            err.println("cutover rehearse: WARNING: rehearsing in a production environment (" + p.env().file()
                    + "), as --i-know-this-is-production asks.");
        }
        if (new FactGatherer(p.registry()).factSteps(p.runbook()).isEmpty()) {
            throw new ExitException.InvalidInput(
                    "cutover rehearse: " + runbook.runbook + " has no facts to compare, so no rollback could be "
                    + "proven: add read-only preflight steps, or mark read-only steps 'fact: true'. Nothing was run.");
        }
        RehearsalPlan plan;
        try {
            plan = plan(p);
        } catch (IllegalArgumentException e) {
            throw new ExitException.InvalidInput("cutover rehearse: " + e.getMessage() + ". Nothing was run.");
        }
        try {
            Engine.checkStateDirectory(global.stateDirectory());
        } catch (IOException e) {
            throw new ExitException.Refused(
                    "cutover rehearse: the state directory " + global.stateDirectory() + " is not writable ("
                    + e.getMessage() + "); nothing was run. Use --state-dir.");
        }
        PrintWriter live = global.json() ? err : out;
        RunOptions base = RunOptions.builder(global.stateDirectory()).operator(operator.operator).ticket(ticket.ticket)
                .environment(runbook.environmentLabel()).environmentVariables(global.environment())
                .windows(runbook.policy.windows(p.env())).overrideWindow(runbook.policy.overrideReason())
                .approver(runbook.policy.approver(operator.operator, live)).rehearsal(true)
                .environmentFile(p.env() == null ? null : p.env().file()).build();
        List<String> patterns = new ArrayList<>(DriftComparer.DEFAULT_IGNORES);
        patterns.addAll(Rehearsal.EXTRA_IGNORES);
        patterns.addAll(ignores);
        Rehearsal rehearsal = new Rehearsal(p.registry());
        RehearsalReport report;
        Interrupts interrupts = Interrupts.install(() -> interrupt(rehearsal, err));
        try {
            report = rehearsal.run(p.runbook(), p.params(), plan, keepGoing, base, patterns, p.masker(),
                    new Console(live, global.color()), progress(live));
        } catch (IOException e) {
            throw new ExitException.Refused("cutover rehearse: cannot create a run's journal: " + e.getMessage());
        } finally {
            interrupts.close();
        }
        RehearsalRendering.print(report, p.runbook().name(), global.json(), out, p.masker());
        return report.exitCode();
    }

    private static void interrupt(Rehearsal rehearsal, PrintWriter err) {
        err.println();
        err.println(rehearsal.interrupt() ? "cutover rehearse: interrupted; stopping the current run, rolling it back "
                + "and starting no other run ..." : "cutover rehearse: a rollback is in progress and must finish; no "
                + "other run will start.");
        err.flush();
    }

    private static Rehearsal.Progress progress(PrintWriter live) {
        return new Rehearsal.Progress() {
            @Override
            public void message(String line) {
                live.println();
                live.println("== " + line);
                live.flush();
            }

            @Override
            public void attemptFinished(Attempt a) {
                live.println("-> " + RehearsalRendering.verdict(a));
                a.leftovers().forEach(l -> live.println("   " + l));
                live.flush();
            }
        };
    }

    private RehearsalPlan plan(Prepared p) {
        if (mode.failAt != null) {
            return RehearsalPlan.failAt(p.runbook(), p.registry(), p.params(), global.environment(), mode.failAt);
        }
        if (mode.failEach) {
            return RehearsalPlan.failEach(p.runbook(), p.registry(), p.params(), global.environment());
        }
        return RehearsalPlan.applyRollbackApply(p.runbook(), p.registry(), p.params(), global.environment());
    }

    static boolean isProduction(ParamResolver.EnvironmentFile env) {
        if (env == null) {
            return false;
        }
        Object v = env.metadata().get("production");
        try {
            return v != null && Values.toBoolean(v);
        } catch (IllegalArgumentException e) {
            throw new ExitException.InvalidInput("cutover rehearse: " + env.file() + ": production: " + e.getMessage());
        }
    }
}
