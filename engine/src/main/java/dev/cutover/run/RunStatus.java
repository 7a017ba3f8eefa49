package dev.cutover.run;

/**
 * How a run ended, and the process exit code that goes with it (a contract). {@link #STOPPED}: the journal
 * could not be written (a full disk), so the run stopped before its next change; free space and
 * {@code cutover resume} it.
 */
public enum RunStatus {
    SUCCEEDED(0), PLANNED(0), ROLLED_BACK(1), INVALID(2), PREFLIGHT_FAILED(3), ROLLBACK_FAILED(4), REFUSED(5),
    STOPPED(6);

    private final int exitCode;

    RunStatus(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
