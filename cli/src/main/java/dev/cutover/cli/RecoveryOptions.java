package dev.cutover.cli;

import picocli.CommandLine.Option;

/** What resume and later rollback need to act only on a trusted record. */
final class RecoveryOptions extends TrustOptions {
    @Option(names = "--trust-unsealed", paramLabel = "REASON", description = "Act on a journal that is not sealed "
            + "although trusted keys are configured (a crashed run is never sealed), after checking it yourself; "
            + "REASON is recorded.")
    String trustUnsealed;
}
