package dev.cutover.cli;

import dev.cutover.journal.SealSigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.Console;
import java.nio.file.Path;
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

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (required when not on a terminal).")
    boolean yes;

    @Option(names = "--operator", description = "Who runs the change (default: the OS user).")
    String operator;

    @Option(names = "--ticket", description = "The change ticket, recorded in the journal.")
    String ticket;

    @Option(names = "--sign-key", paramLabel = "FILE", description = "Seal the run's journal with this Ed25519 "
            + "private key (cutover keygen); default: $CUTOVER_SIGN_KEY.")
    Path signKey;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SealSigningKey key = RecoverySupport.signingKey(spec, signKey);
        runbook.policy.yesToApprovals = yes;
        return RunSupport.execute(spec, global, runbook, false, operator, ticket, p -> {
            if (yes) {
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
