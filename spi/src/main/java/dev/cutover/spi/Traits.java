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
    /**
     * Works on this machine's files only (not through {@link StepContext#host()}): refused inside a {@code hosts:}
     * block, where it would act on cutover's machine instead of each host.
     */
    public static final String THIS_MACHINE_ONLY = "runs:this-machine-only";
    /**
     * Reads or writes files through {@link StepContext#host()} (not only runs commands there): refused, when the
     * runbook is loaded, on a fleet host whose transport runs commands only ({@link HostConnector#offersFiles()}).
     */
    public static final String HOST_FILES = "uses:host-files";

    private Traits() {
    }

    /**
     * Fills a trait's {@code {name}} placeholders from a step's inputs, in one pass: a value that itself holds
     * {@code {other}} is not filled again, and a placeholder with no value stays as written. The one
     * placeholder filler (the lints and the generated runbook docs both use it).
     *
     * @param input the text of the step's input of that name, or null when it has none
     */
    public static String fill(String trait, java.util.function.Function<String, String> input) {
        StringBuilder out = new StringBuilder(trait.length());
        int at = 0;
        while (at < trait.length()) {
            int open = trait.indexOf('{', at);
            int close = open < 0 ? -1 : trait.indexOf('}', open + 1);
            if (close < 0) {
                break;
            }
            String name = trait.substring(open + 1, close);
            String value = name.isEmpty() ? null : input.apply(name);
            out.append(trait, at, open).append(value != null ? value : trait.substring(open, close + 1));
            at = close + 1;
        }
        return out.append(trait.substring(at)).toString();
    }
}
