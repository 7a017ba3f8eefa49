package dev.cutover.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;

/** Options every command accepts. */
public final class GlobalOptions {
    /** The command this is mixed into, whose root holds the environment variables of the invocation. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where runs are kept (default: $CUTOVER_STATE_DIR, else ./.cutover).")
    Path stateDir;

    @Option(names = "--state", paramLabel = "URL", description = "The team's shared state on PostgreSQL "
            + "(postgresql://[role@]host[:port]/db; default: $CUTOVER_STATE, else state: in ~/.config/cutover/config.yaml;"
            + " none: local files only). See docs/team.md.")
    String state;

    /** The team store of this invocation, opened on first use. */
    private java.util.Optional<dev.cutover.team.PostgresStateStore> team;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (one summary object at the end).")
    String output;

    @Option(names = {"-v", "--verbose"}, description = "Debug logging on stderr.")
    void verbose(boolean v) {
        verbose = v;
        if (v) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
        }
    }

    private boolean verbose;

    /** Whether {@code --verbose} was given: debug logs, and a few more lines for the operator. */
    boolean verbose() {
        return verbose;
    }

    @Option(names = "--no-color", description = "No colour (also when NO_COLOR is set "
            + "or output is not a terminal).")
    boolean noColor;

    Path stateDirectory() {
        if (stateDir != null) {
            return stateDir.toAbsolutePath();
        }
        String env = environment().get("CUTOVER_STATE_DIR");
        return (env != null && !env.isBlank() ? Path.of(env) : Path.of(".cutover")).toAbsolutePath();
    }

    /** The environment variables of this invocation (the process's, unless a caller of the CLI gave others). */
    Map<String, String> environment() {
        return CutoverCli.environmentOf(mixee);
    }

    /** The plugin jars of this invocation ($CUTOVER_PLUGIN_PATH, else ~/.cutover/plugins). */
    dev.cutover.plugin.PluginPath plugins() {
        return CutoverCli.pluginsOf(mixee);
    }

    /**
     * The team store configured for this invocation (--state, $CUTOVER_STATE or the config file), connected and
     * installed for the engine; empty when none is configured (local files only).
     *
     * @throws ExitException.InvalidInput (2) a configuration that cannot be used
     * @throws ExitException.Refused (5) the store is unreachable or its schema is newer than this cutover
     */
    java.util.Optional<dev.cutover.team.PostgresStateStore> team() {
        if (team == null) {
            team = TeamStores.open(state, environment(), mixee == null ? null
                    : mixee.commandLine().getErr());
        }
        return team;
    }

    boolean json() {
        return "json".equalsIgnoreCase(output);
    }

    boolean color() {
        return !noColor && !environment().containsKey("NO_COLOR") && System.console() != null && !json();
    }
}
