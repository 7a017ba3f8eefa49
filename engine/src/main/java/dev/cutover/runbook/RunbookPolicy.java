package dev.cutover.runbook;

import java.time.Duration;
import java.util.List;

/**
 * A runbook's operational rules.
 *
 * @param lock           the lock key as written (may reference params), or null
 * @param windows        change windows; empty means any time
 * @param rollbackWindow how long after success {@code cutover rollback} may undo a run, or null for no limit
 */
public record RunbookPolicy(String lock, List<ChangeWindow> windows, Duration rollbackWindow) {
    public static final RunbookPolicy NONE = new RunbookPolicy(null, List.of(), null);

    public RunbookPolicy {
        windows = List.copyOf(windows);
    }
}
