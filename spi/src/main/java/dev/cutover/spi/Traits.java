package dev.cutover.spi;

/**
 * The trait strings step types declare in {@link StepType#traits()}, read by the engine and the
 * change-safety lints so neither needs to know plugin ids. {@code {name}} in a trait is replaced by
 * the step's input of that name.
 *
 * @since 0.2
 */
public final class Traits {
    /** Changes a truststore that running applications loaded at start-up. */
    public static final String CHANGES_TRUSTSTORE = "changes:truststore";
    /** Changes the CA a database server presents. */
    public static final String CHANGES_DATABASE_CA = "changes:database-ca";
    /** Each run opens a new connection or request (so it sees a changed truststore or certificate). */
    public static final String CHECKS_NEW_CONNECTION = "checks:new-connection";
    /** Removes entries from a store. */
    public static final String REMOVES_STORE_ENTRIES = "removes:truststore-entries";
    /** Prefix of {@code restarts:NAME}: restarts or reloads the named application. */
    public static final String RESTARTS_PREFIX = "restarts:";
    /** Its {@code command} input is the argv of a process it runs (the lints read what it removes). */
    public static final String RUNS_ARGV = "runs:argv";
    /** Its {@code commands} input holds shell command lines another machine's shell runs. */
    public static final String RUNS_SHELL_COMMANDS = "runs:shell-commands";
    /** Interacts with people (an approval): allowed in {@code steps} only, never polled or retried. */
    public static final String GATE = "gate";

    private Traits() {
    }
}
