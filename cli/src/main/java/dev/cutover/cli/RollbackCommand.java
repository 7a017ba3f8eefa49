package dev.cutover.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code cutover rollback}: undoes a run that succeeded, hours later, from its journal's undo records. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Undo a run that finished SUCCEEDED: its completed steps in reverse order from the undo "
                + "records in its journal, then the rollback section, then validate. Recorded as a new run. Exit 1 "
                + "rolled back, 4 rollback failed, 5 refused (runbook changed, rollback_window passed, lock held).")
final class RollbackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run id or run directory of the run to undo.")
    String run;

    @Mixin
    GlobalOptions global;

    @Mixin
    RecoveryOptions trust;

    @Option(names = "--reason", required = true, description = "Why, for the record.")
    String reason;

    @Option(names = "--force", description = "Proceed although the runbook file changed since the run.")
    boolean force;

    @Mixin
    SharedOptions.Operator operator;

    @Mixin
    SharedOptions.Yes yes;

    @Mixin
    SharedOptions.SignKey signKey;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RecoverySupport.Recorded r = RecoverySupport.load(spec, global, run, trust, false);
        if (!yes.yes) {
            java.io.Console c = System.console();
            if (c == null) {
                throw new ExitException.Refused("cutover: refusing to roll back without confirmation: not on a "
                        + "terminal. Add --yes.");
            }
            String a = c.readLine("Roll back run %s of '%s'? Type 'yes': ", run, r.runbook().name());
            if (a == null || !a.trim().equals("yes")) {
                throw new ExitException.Refused(null); // not confirmed: nothing to add to what was typed
            }
        }
        return RecoverySupport.run(spec, global, operator.operator, signKey, r, (recovery, options, console, abort) ->
                recovery.rollback(r.runDir(), r.runbook(), r.params(), options, r.masker(), console, abort,
                        r.trustNote() == null ? reason : reason + " [" + r.trustNote() + "]", force));
    }
}
