package dev.cutover.cli;

import dev.cutover.journal.Seal;
import dev.cutover.journal.SealSigningKey;
import dev.cutover.run.Abort;
import dev.cutover.run.Engine;
import dev.cutover.run.RunListener;
import dev.cutover.run.RunOptions;
import dev.cutover.run.RunOutcome;
import dev.cutover.runbook.InvalidRunbookException;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.util.List;
import java.io.PrintWriter;

/** What plan and run share: load, start the engine, render, map the outcome to an exit code. */
final class RunSupport {
    private RunSupport() {
    }

    static int execute(CommandSpec spec, GlobalOptions global, RunbookOptions rbo, boolean dryRun, String operator,
                       String ticket, Confirm confirm) {
        return execute(spec, global, rbo, dryRun, operator, ticket, confirm, null);
    }

    /** As above; with {@code signKey} set, the finished run's journal is sealed with it. */
    static int execute(CommandSpec spec, GlobalOptions global, RunbookOptions rbo, boolean dryRun, String operator,
                       String ticket, Confirm confirm, SealSigningKey signKey) {
        dev.cutover.spi.ChildProcesses.prepareInBackground();
        Prepared p;
        try {
            p = Prepared.load(rbo, true);
        } catch (InvalidRunbookException e) {
            return ValidateCommand.report(spec, global, e);
        }
        if (LintReport.of(p, rbo.allow).print(spec, global)) {
            return 2; // the change-safety lints validate enforces (unless --allow ID)
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Engine.checkStateDirectory(global.stateDirectory());
        } catch (IOException e) {
            throw new ExitException.Refused(
                    "cutover: the state directory " + global.stateDirectory() + " is not writable ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); nothing was run. Use --state-dir or "
                    + "free some space.");
        }
        if (confirm != null) {
            Integer refused = confirm.ask(p);
            if (refused != null) {
                return refused;
            }
        }
        List<dev.cutover.journal.SealPublicKey> approverKeys;
        try {
            approverKeys = rbo.policy.approverKeys(global.environment());
        } catch (IOException e) {
            throw new ExitException.InvalidInput("cutover: approvers' keys: " + e.getMessage() + "; nothing was run.");
        }
        RunOptions options = RunOptions.builder(global.stateDirectory()).dryRun(dryRun).operator(operator)
                .ticket(ticket).environment(rbo.environmentLabel()).environmentVariables(global.environment())
                .windows(rbo.policy.windows(p.env())).overrideWindow(rbo.policy.overrideReason())
                .approver(rbo.policy.approver(operator, out)).approverKeys(approverKeys).fleet(p.fleet()).build();
        RunListener console = new Console(global.json() ? err : out, global.color());
        Abort abort = new Abort();
        Interrupts previous = installInterruptHandler(abort, err);
        try {
            RunOutcome o = new Engine(p.registry()).run(p.runbook(), p.params(), options, p.masker(), console, abort);
            if (signKey != null) {
                seal(o, signKey, p, global.json() ? err : out, err);
            }
            if (global.json()) {
                JsonSummary.print(out, JsonSummary.of(o));
            }
            return o.exitCode();
        } catch (IOException e) {
            throw new ExitException.Refused(
                    "cutover: cannot create the run's journal: " + e.getMessage() + "; nothing was run.");
        } finally {
            previous.close();
        }
    }

    /** Appends the seal; a failure is reported loudly but does not change the run's exit code. */
    private static void seal(RunOutcome o, SealSigningKey key, Prepared p, PrintWriter out, PrintWriter err) {
        try {
            Seal s = Seal.append(o.runDirectory(), key, p.masker());
            out.println("sealed: line " + s.line() + ", " + s.algorithm() + " signature by " + s.fingerprint());
        } catch (IOException | RuntimeException e) {
            err.println("cutover: the run finished " + o.status() + " but could NOT be sealed: " + e.getMessage()
                    + "; its journal is hash-chained but unsigned.");
        }
    }

    /** Asks the operator before a run; returns an exit code to stop with, or null to go on. */
    interface Confirm {
        Integer ask(Prepared p);
    }

    /**
     * Ctrl-C, SIGTERM, SIGHUP: the first stops the current step (its whole process tree) and rolls back;
     * any later one, and any during rollback, is refused so the rollback finishes.
     */
    static Interrupts installInterruptHandler(Abort abort, PrintWriter err) {
        return Interrupts.install(reason -> {
            Abort.Answer a = abort.request(reason);
            err.println();
            err.println(switch (a) {
                case STOPPING -> "cutover: " + reason.describe() + "; stopping the current step and every process it "
                        + "started, then rolling back ... (a second Ctrl-C will not stop the rollback)";
                case ALREADY_STOPPING -> "cutover: " + reason.signal() + " ignored: already stopping ("
                        + abort.describe("interrupted") + "); the rollback follows and must finish.";
                case REFUSED -> "cutover: rollback is in progress and must finish; " + reason.signal()
                        + " refused. (Only if it hangs: kill -9 " + ProcessHandle.current().pid()
                        + " from another terminal, then cutover resume the run.)";
            });
            err.flush();
        });
    }

}
