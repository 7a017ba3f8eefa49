package dev.cutover.cli;

import dev.cutover.run.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code cutover} command: parses, calls the engine, renders. */
@Command(name = "cutover", mixinStandardHelpOptions = true, versionProvider = CutoverCli.VersionProvider.class,
        description = "Runs production changes from YAML runbooks, with automatic rollback and a tamper-evident journal.",
        subcommands = {ValidateCommand.class, PlanCommand.class, RunCommand.class, ResumeCommand.class,
                RollbackCommand.class, UnlockCommand.class, VerifyCommand.class,
                RunsCommand.class, StepsCommand.class, SchemaCommand.class, DemoCommand.class,
                KeygenCommand.class, ReportCommand.class, ExportCommand.class, DocsCommand.class,
                DriftCommand.class, ExpiryCommand.class, RehearseCommand.class,
                CommandLine.HelpCommand.class})
public final class CutoverCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this in-process). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CutoverCli());
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
