package dev.cutover.run;

/**
 * Where one fleet host ended, for the console's host table and the report.
 *
 * @param host   its inventory name
 * @param state  how it ended
 * @param detail why (the failed step, the batch it was in); may be empty
 */
public record HostResult(String host, State state, String detail) {

    /** How a host ended. */
    public enum State {
        /** Its steps and checks passed and it keeps the change. */
        SUCCEEDED,
        /** Its changes were undone. */
        ROLLED_BACK,
        /** Nothing ran on it that changes anything (never reached, or the rollout stopped before its batch). */
        NOT_REACHED,
        /** An undo failed, or it was lost mid-step and not probed: its state must be checked by hand. */
        IN_DOUBT;

        /** As the console's table says it. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }
}
