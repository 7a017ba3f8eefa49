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
 */
public record RunOutcome(String runId, RunStatus status, Path runDirectory, Instant started, Instant finished,
                         List<StepOutcome> steps, String reason, List<String> manualActions) {

    public int exitCode() {
        return status.exitCode();
    }

    public Path journal() {
        return runDirectory.resolve(dev.cutover.journal.Journal.FILE_NAME);
    }
}
