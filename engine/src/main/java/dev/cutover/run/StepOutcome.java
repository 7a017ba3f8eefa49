package dev.cutover.run;

import java.util.Map;

/**
 * One line of a run's summary.
 *
 * @param id         the step id
 * @param section    preflight, steps, validate, undo, rollback, revalidate
 * @param status     how it ended
 * @param attempts   tries made
 * @param durationMs wall time of all tries
 * @param message    error or note; may be empty
 * @param outputs    masked outputs; never null
 */
public record StepOutcome(String id, String section, StepStatus status, int attempts, long durationMs, String message,
                          Map<String, Object> outputs) {
}
