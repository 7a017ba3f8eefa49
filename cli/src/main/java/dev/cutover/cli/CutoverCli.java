package dev.cutover.cli;

import dev.cutover.run.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code cutover} command: parses, calls the engine, renders. */
@Command(name = "cutover", mixinStandardHelpOptions = true, versionProvider = CutoverCli.VersionProvider.class,
        resourceBundle = "dev.cutover.cli.Options",
        description = "Runs production changes from YAML runbooks, with automatic rollback and a tamper-evident journal.")
public final class CutoverCli implements Runnable {
    /**
     * The subcommands, in the order help lists them. Only the one invoked is built (picocli builds a
     * command's model by reflection, which is most of a short command's start-up); help and
     * unknown names get them all.
     */
    private static final java.util.Map<String, java.util.function.Supplier<Object>> COMMANDS = commands();

    private static java.util.Map<String, java.util.function.Supplier<Object>> commands() {
        java.util.Map<String, java.util.function.Supplier<Object>> m = new java.util.LinkedHashMap<>();
        m.put("validate", ValidateCommand::new);
        m.put("plan", PlanCommand::new);
        m.put("run", RunCommand::new);
        m.put("resume", ResumeCommand::new);
        m.put("rollback", RollbackCommand::new);
        m.put("unlock", UnlockCommand::new);
        m.put("verify", VerifyCommand::new);
        m.put("runs", RunsCommand::new);
        m.put("follow", FollowCommand::new);
        m.put("steps", StepsCommand::new);
        m.put("schema", SchemaCommand::new);
        m.put("keygen", KeygenCommand::new);
        m.put("approve", ApproveCommand::new);
        m.put("report", ReportCommand::new);
        m.put("export", ExportCommand::new);
        m.put("docs", DocsCommand::new);
        m.put("drift", DriftCommand::new);
        m.put("expiry", ExpiryCommand::new);
        m.put("rehearse", RehearseCommand::new);
        m.put("help", () -> new CommandLine.HelpCommand()); // not ::new: see ExitException.Mapper
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The subcommands' names, in the order help lists them (for tests that must cover every command). */
    static java.util.Set<String> commandNames() {
        return COMMANDS.keySet();
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment variables this invocation sees (secrets, CUTOVER_STATE_DIR, NO_COLOR, ...). */
    private final java.util.Map<String, String> environment;

    /** The plugin jars, read from the environment on first use by this invocation. */
    private dev.cutover.plugin.PluginPath plugins;

    private CutoverCli(java.util.Map<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the process's environment and the given streams; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(System.getenv(), out, err, args);
    }

    /**
     * Runs one cutover command in this JVM, as {@code cutover ARGS...} would in a process whose
     * environment variables are {@code environment} (e.g. the process's plus the secrets a runbook
     * reads with {@code env:}), printing to {@code out} and {@code err}. Returns the exit code of the
     * contract (0 succeeded, 1 rolled back, 2 invalid input, 3 preflight failed, 4 rollback failed,
     * 5 refused). Invocations share no state, so several may run at once.
     *
     * @param environment the environment variables, copied; not null
     */
    public static int execute(java.util.Map<String, String> environment, PrintWriter out, PrintWriter err,
                              String... args) {
        if (args.length > 0 && args[0].equals("demo")) {
            err.println("cutover: the demo is not part of this jar (it carries PostgreSQL for three platforms): "
                    + "run ./cutover demo in a clone of cutover, which builds and starts "
                    + "examples/demo/target/cutover-demo.jar.");
            return 2;
        }
        CommandLine cl = commandLine(java.util.Map.copyOf(environment), args.length > 0 ? args[0] : null);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The environment variables of the invocation {@code spec} belongs to. */
    static java.util.Map<String, String> environmentOf(CommandLine.Model.CommandSpec spec) {
        Object root = spec == null ? null : spec.root().userObject();
        return root instanceof CutoverCli c ? c.environment : System.getenv();
    }

    /** The plugin path of the invocation {@code spec} belongs to ($CUTOVER_PLUGIN_PATH, else ~/.cutover/plugins). */
    static dev.cutover.plugin.PluginPath pluginsOf(CommandLine.Model.CommandSpec spec) {
        Object root = spec == null ? null : spec.root().userObject();
        if (root instanceof CutoverCli c) {
            if (c.plugins == null) {
                c.plugins = pluginPath(c.environment);
            }
            return c.plugins;
        }
        return pluginPath(System.getenv());
    }

    private static dev.cutover.plugin.PluginPath pluginPath(java.util.Map<String, String> environment) {
        String home = System.getProperty("user.home");
        return dev.cutover.plugin.PluginPath.fromEnvironment(environment,
                home == null || home.isBlank() ? null : java.nio.file.Path.of(home));
    }

    private static CommandLine commandLine(java.util.Map<String, String> environment, String invoked) {
        CommandLine cl = new CommandLine(new CutoverCli(environment));
        if (invoked != null && COMMANDS.containsKey(invoked) && !invoked.equals("help")) {
            cl.addSubcommand(invoked, COMMANDS.get(invoked).get());
        } else {
            COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        }
        cl.setExitCodeExceptionMapper(ExitException.MAPPER);
        cl.setExecutionExceptionHandler(ExitException.HANDLER);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version from the jar manifest. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cutover " + Version.get(), "Java " + System.getProperty("java.version")};
        }
    }
}
