package dev.cutover.cli;

import dev.cutover.journal.PrivateFiles;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.report.RunbookDocs;
import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import dev.cutover.spi.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cutover docs}: renders a runbook as the procedure a new engineer reads. */
@Command(name = "docs", mixinStandardHelpOptions = true,
        description = "Render a runbook as documentation: purpose, parameters, preflight checks, each step with its "
                + "undo (or the reason for none), validation, the rollback plan and what restarts what. Exit 0 "
                + "written, 2 the runbook is invalid or the file cannot be written.")
final class DocsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUNBOOK", description = "The runbook YAML file.")
    Path runbook;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "md", description = "md or html (default md).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (atomically) instead of stdout.")
    Path out;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String f = format.toLowerCase(Locale.ROOT);
        if (!f.equals("md") && !f.equals("markdown") && !f.equals("html")) {
            throw new ExitException.InvalidInput("cutover: unknown format '" + format + "': use md or html");
        }
        String text;
        try {
            String source = runbook.isAbsolute() ? runbook.getFileName().toString()
                    : runbook.normalize().toString().replace('\\', '/');
            text = render(runbook, source, f.equals("html"), StepTypeRegistry.load(global.plugins()));
        } catch (InvalidRunbookException e) {
            return ValidateCommand.report(spec, global, e);
        }
        if (out == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return 0;
        }
        try {
            PrivateFiles.createDirectories(out.toAbsolutePath().getParent());
            AtomicFiles.writeString(out, text, AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            throw new ExitException.InvalidInput("cutover: cannot write " + out + ": " + dev.cutover.spi.ErrorText.of(e));
        }
        spec.commandLine().getOut().println("wrote " + out);
        return 0;
    }

    /** The docs of a runbook, naming it {@code source} (a relative path, so generated files hold no absolute paths). */
    static String render(Path runbook, String source, boolean html) throws InvalidRunbookException {
        return render(runbook, source, html, StepTypeRegistry.load());
    }

    static String render(Path runbook, String source, boolean html, StepTypeRegistry registry)
            throws InvalidRunbookException {
        Runbook rb = new RunbookLoader(registry).load(runbook);
        RunbookDocs docs = new RunbookDocs(rb, registry, source);
        return html ? docs.html() : docs.markdown();
    }
}
