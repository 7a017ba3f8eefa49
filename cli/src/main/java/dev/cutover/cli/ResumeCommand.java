package dev.cutover.cli;

import dev.cutover.run.InDoubtResolver;
import dev.cutover.run.Recovery;
import dev.cutover.run.RecoveryClaim;
import dev.cutover.spi.ProbeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code cutover resume}: continues a run that crashed, or finishes its rollback. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continue a run that stopped (crash, kill -9, power loss) from its journal: a step that was "
                + "in doubt is decided by its probe (or --assume); then the run goes on, or finishes rolling back. "
                + "Only a run whose process is gone is resumed: a live one (pid and start time from its journal) is "
                + "refused and nothing is written. Asks for confirmation unless --yes. Exit codes as for run; 5 when "
                + "refused (still running, being resumed elsewhere, not confirmed, cannot decide, already finished).")
final class ResumeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run id or run directory.")
    String run;

    @Mixin
    GlobalOptions global;

    @Mixin
    RecoveryOptions trust;

    @Option(names = "--assume", paramLabel = "done|not-done",
            description = "What to assume for a step in doubt that no probe can decide.")
    String assume;

    @Option(names = "--force", description = "Resume even though the runbook file changed since the run, or the run "
            + "was started on another host or container (whose processes cutover cannot see) that is gone for good.")
    boolean force;

    @Mixin
    SharedOptions.Yes yes;

    @Mixin
    SharedOptions.Operator operator;

    @Mixin
    SharedOptions.SignKey signKey;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (assume != null && !assume.equals("done") && !assume.equals("not-done")) {
            throw new ExitException.InvalidInput("cutover: --assume takes done or not-done");
        }
        // a live run is refused before anything is read, decided or written
        global.team();
        RunLocator.Found where = RunLocator.find(run, global.stateDirectory());
        if (where != null) {
            try {
                RecoveryClaim.checkDead(where.journal().getParent(), force);
            } catch (Recovery.RefusedException e) {
                throw new ExitException.Refused("cutover: " + e.getMessage());
            }
        }
        RecoverySupport.Recorded r = RecoverySupport.load(spec, global, run, trust, true);
        try {
            RecoveryClaim.checkDead(r.runDir(), force);
        } catch (Recovery.RefusedException e) {
            throw new ExitException.Refused("cutover: " + e.getMessage());
        }
        if (!confirmed(r)) {
            return 5;
        }
        if (r.trustNote() != null) {
            // the decision to act on an unsealed journal is journaled once the operator confirmed, before anything runs
            try {
                RecoverySupport.recordTrust(r.runDir(), r.trustNote(), r.masker());
            } catch (java.io.IOException e) {
                throw new ExitException.Refused("cutover: cannot record the trust decision in " + r.runDir()
                        + ": " + e.getMessage());
            }
        }
        InDoubtResolver resolver = (stepId, uses) -> {
            if (assume != null) {
                return assume.equals("done") ? ProbeResult.DONE : ProbeResult.NOT_DONE;
            }
            java.io.Console c = System.console();
            if (c == null) {
                return ProbeResult.UNKNOWN;
            }
            String a = c.readLine("Step '%s' (%s) was in progress when the run stopped. Did it take effect? "
                    + "[done/not-done] ", stepId, uses);
            return "done".equals(a == null ? "" : a.trim()) ? ProbeResult.DONE
                    : "not-done".equals(a == null ? "" : a.trim()) ? ProbeResult.NOT_DONE : ProbeResult.UNKNOWN;
        };
        return RecoverySupport.run(spec, global, operator.operator, signKey, r, (recovery, options, console, abort) ->
                recovery.resume(r.runDir(), r.runbook(), r.params(), options, r.masker(), console, abort,
                        resolver, force));
    }

    /** Like run: --yes, or 'yes' typed on a terminal; never proceeds unasked without a terminal. */
    private boolean confirmed(RecoverySupport.Recorded r) {
        if (yes.yes) {
            return true;
        }
        java.io.Console c = System.console();
        if (c == null) {
            spec.commandLine().getErr().println("cutover: refusing to resume run " + r.runDir().getFileName() + " of '"
                    + r.runbook().name() + "' without confirmation: not on a terminal. Add --yes to confirm.");
            return false;
        }
        String answer = c.readLine("Resume run %s of '%s' now? Type 'yes' to proceed: ", r.runDir().getFileName(),
                r.runbook().name());
        if (answer == null || !answer.trim().equalsIgnoreCase("yes")) {
            spec.commandLine().getErr().println("cutover: not confirmed; nothing was resumed.");
            return false;
        }
        return true;
    }
}
