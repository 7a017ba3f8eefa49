package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.secrets.Masker;

import java.nio.file.Path;

/**
 * What every part of one run shares: its journal, where it keeps its files, how it reports progress,
 * the operator's abort, the step types and who answers approvals.
 *
 * @param journal       the run's journal
 * @param runId         the run's id
 * @param runDir        the run's directory
 * @param baseDirectory the directory relative paths in step inputs are resolved against: the runbook's
 * @param registry      the step types
 * @param masker        the run's secrets
 * @param listener      the operator's console
 * @param abort         Ctrl-C and termination signals
 * @param approver      answers approval steps
 * @param approverKeys  the public keys whose signed approvals count; empty: approvals are asked for
 */
record RunContext(Journal journal, String runId, Path runDir, Path baseDirectory, StepTypeRegistry registry,
                  Masker masker, RunListener listener, Abort abort, Approver approver,
                  java.util.List<dev.cutover.journal.SealPublicKey> approverKeys) {

    /** The directory of a runbook file, absolute; the working directory for a runbook without a file. */
    static Path baseOf(dev.cutover.runbook.Runbook rb) {
        Path f = rb.file();
        Path dir = f == null ? null : f.toAbsolutePath().getParent();
        return dir == null ? Path.of("").toAbsolutePath() : dir;
    }
}
