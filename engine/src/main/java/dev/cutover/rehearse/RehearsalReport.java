package dev.cutover.rehearse;

import dev.cutover.run.RunStatus;

import java.util.List;

/**
 * The outcome of a rehearsal.
 *
 * @param environment the environment's label
 * @param factsRun    the run id of the first fact gathering (the recorded starting point)
 * @param attempts    every rehearsal run, in order
 * @param notRun      steps that were not rehearsed, each with the reason (a condition false here, or the
 *                    rehearsal stopped early)
 * @param stopped     why the rehearsal stopped before the end; empty when it ran every attempt
 * @param ignored     the fact key patterns left out of the comparison
 */
public record RehearsalReport(String environment, String factsRun, List<Attempt> attempts, List<String> notRun,
                             String stopped, List<String> ignored) {

    public RehearsalReport {
        attempts = List.copyOf(attempts);
        notRun = List.copyOf(notRun);
        stopped = stopped == null ? "" : stopped;
    }

    /** Whether every planned attempt ran and was proven. */
    public boolean proven() {
        return !attempts.isEmpty() && stopped.isEmpty() && attempts.stream().allMatch(Attempt::proven);
    }

    /**
     * 0 when every rollback was proven; 4 when a rollback failed; 3 when nothing ran (the facts could not
     * be gathered, or the first run's preflight failed); 5 when a run was refused; 1 otherwise.
     */
    public int exitCode() {
        if (proven()) {
            return 0;
        }
        if (attempts.isEmpty()) {
            return 3;
        }
        if (attempts.stream().anyMatch(a -> a.status() == RunStatus.ROLLBACK_FAILED)) {
            return 4;
        }
        if (!attempts.isEmpty() && attempts.get(0).status() == RunStatus.PREFLIGHT_FAILED) {
            return 3;
        }
        if (attempts.stream().anyMatch(a -> a.status() == RunStatus.REFUSED)) {
            return 5;
        }
        return 1;
    }
}
