package dev.cutover.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code cutover plan}: a dry run; preflight runs for real, every other step says what it would do. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Dry run: run preflight (read-only) for real, print what every other step would do, change "
                + "nothing. Journaled as a rehearsal. Exit 0 (PLANNED), 2 invalid, 3 preflight failed.")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    RunbookOptions runbook;

    @Mixin
    GlobalOptions global;

    @Mixin
    SharedOptions.Operator operator;

    @Mixin
    SharedOptions.Ticket ticket;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return RunSupport.execute(spec, global, runbook, true, operator.operator, ticket.ticket, null);
    }
}
