package dev.cutover.rehearse;

import dev.cutover.run.RunStatus;

import java.nio.file.Path;
import java.util.List;

/**
 * One rehearsal run: a failure injected after one step, the engine's rollback, and whether the
 * environment's facts came back to where they were.
 *
 * @param injectedAt  the step after which the failure was injected; null for the second forward run of
 *                    apply-rollback-apply
 * @param runId       the run's id (its journal is marked as a rehearsal)
 * @param journal     the run's journal file
 * @param status      how the run ended
 * @param injected    whether the failure was injected (the run reached the step)
 * @param restored    whether the facts after the run equal the facts before; null when not compared
 * @param leftovers   what differs after the rollback, in plain words ("after rollback of step X: ...")
 * @param durationMs  the run's wall time, fact gathering excluded
 * @param note        why the attempt is not proven beyond the leftovers, or a remark; may be empty
 */
public record Attempt(String injectedAt, String runId, Path journal, RunStatus status, boolean injected,
                      Boolean restored, List<String> leftovers, long durationMs, String note) {

    public Attempt {
        leftovers = List.copyOf(leftovers);
        note = note == null ? "" : note;
    }

    /**
     * Whether this attempt proved what it set out to: a rollback that ran to ROLLED_BACK after the
     * injected failure and left every fact as it was; or, for the second forward run, a SUCCEEDED run.
     */
    public boolean proven() {
        if (injectedAt == null) {
            return status == RunStatus.SUCCEEDED;
        }
        return status == RunStatus.ROLLED_BACK && injected && Boolean.TRUE.equals(restored);
    }
}
