package dev.cutover.cli;

import dev.cutover.run.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code cutover} command: parses, calls the engine, renders. */
@Command(name = "cutover", mixinStandardHelpOptions = true, versionProvider = CutoverCli.VersionProvider.class,
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
        m.put("steps", StepsCommand::new);
        m.put("schema", SchemaCommand::new);
        m.put("demo", DemoCommand::new);
        m.put("keygen", KeygenCommand::new);
        m.put("approve", ApproveCommand::new);
        m.put("report", ReportCommand::new);
        m.put("export", ExportCommand::new);
        m.put("docs", DocsCommand::new);
        m.put("drift", DriftCommand::new);
        m.put("expiry", ExpiryCommand::new);
        m.put("rehearse", RehearseCommand::new);
        m.put("help", CommandLine.HelpCommand::new);
        return java.util.Collections.unmodifiableMap(m);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this in-process). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(args.length > 0 ? args[0] : null);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine(String invoked) {
        CommandLine cl = new CommandLine(new CutoverCli());
        if (invoked != null && COMMANDS.containsKey(invoked) && !invoked.equals("help")) {
            cl.addSubcommand(invoked, COMMANDS.get(invoked).get());
        } else {
            COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        }
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("cutover: internal error: " + dev.cutover.secrets.Masker.global()
                    .mask(String.valueOf(ex)));
            org.slf4j.LoggerFactory.getLogger(CutoverCli.class).debug("internal error", ex);
            return 70;
        });
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
