package dev.cutover.cli;

import dev.cutover.journal.SealSigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.Console;
import java.util.concurrent.Callable;

/** {@code cutover run}: executes a runbook, rolling back automatically on failure. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a runbook: preflight, steps, validate; on failure undo completed steps in reverse, run the "
                + "rollback section and validate again. Exit 0 succeeded, 1 rolled back, 2 invalid, 3 preflight "
                + "failed, 4 rollback failed, 5 refused.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    RunbookOptions runbook;

    @Mixin
    GlobalOptions global;

    @Mixin
    SharedOptions.Yes yes;

    @Mixin
    SharedOptions.Operator operator;

    @Mixin
    SharedOptions.Ticket ticket;

    @Mixin
    SharedOptions.SignKey signKey;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SealSigningKey key = signKey.read();
        runbook.policy.yesToApprovals = yes.yes;
        return RunSupport.execute(spec, global, runbook, false, operator.operator, ticket.ticket, p -> {
            if (yes.yes) {
                return null;
            }
            Console c = System.console();
            if (c == null) {
                throw new ExitException.Refused("cutover: refusing to run '" + p.runbook().name()
                        + "' without confirmation: not on a terminal. Add --yes to confirm.");
            }
            String answer = c.readLine("Run '%s' (%d steps) now? Type 'yes' to proceed: ", p.runbook().name(),
                    p.runbook().steps().size());
            if (answer == null || !answer.trim().equalsIgnoreCase("yes")) {
                throw new ExitException.Refused("cutover: not confirmed; nothing was run.");
            }
            return null;
        }, key);
    }
}
