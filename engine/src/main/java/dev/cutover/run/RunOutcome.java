package dev.cutover.run;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The result of a run.
 *
 * @param runId         the run id
 * @param status        how it ended
 * @param runDirectory  where its journal is
 * @param started       start time
 * @param finished      end time
 * @param steps         every step, undo and check, in the order they ran
 * @param reason        why it failed or rolled back; empty on success
 * @param manualActions what an operator must still do by hand (ROLLBACK_FAILED); empty otherwise
 * @param revalidation  after a rollback, what proved the system is back ("3 preflight checks match the facts
 *                      before the change; 1 health check passed"), or that nothing could be checked; empty
 *                      when nothing was rolled back
 * @param hosts         with {@code hosts:} blocks: where each fleet host ended; empty otherwise
 */
public record RunOutcome(String runId, RunStatus status, Path runDirectory, Instant started, Instant finished,
                         List<StepOutcome> steps, String reason, List<String> manualActions, String revalidation,
                         List<HostResult> hosts) {

    public RunOutcome {
        revalidation = revalidation == null ? "" : revalidation;
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    /** An outcome without fleet hosts. */
    public RunOutcome(String runId, RunStatus status, Path runDirectory, Instant started, Instant finished,
                      List<StepOutcome> steps, String reason, List<String> manualActions, String revalidation) {
        this(runId, status, runDirectory, started, finished, steps, reason, manualActions, revalidation, List.of());
    }

    /** An outcome without a rollback. */
    public RunOutcome(String runId, RunStatus status, Path runDirectory, Instant started, Instant finished,
                      List<StepOutcome> steps, String reason, List<String> manualActions) {
        this(runId, status, runDirectory, started, finished, steps, reason, manualActions, "");
    }

    public int exitCode() {
        return status.exitCode();
    }

    public Path journal() {
        return runDirectory.resolve(dev.cutover.journal.Journal.FILE_NAME);
    }
}
