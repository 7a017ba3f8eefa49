package dev.cutover.cli;

import dev.cutover.journal.PrivateFiles;
import dev.cutover.report.ReportFormat;
import dev.cutover.report.RunReport;
import dev.cutover.spi.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cutover report}: renders a run's journal as a Markdown, HTML or JSON report with a timeline. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render a run as a report: who ran what, where and when, the verification verdict, and a "
                + "timeline of every step, retry, undo and re-validation. Exit 0 written, 1 written but the journal "
                + "does not verify (the report says so), 2 run or key not found or bad arguments.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run id, run directory, journal file, or "
            + "the directory an exported zip unpacks to.")
    String run;

    @Option(names = "--format", paramLabel = "FORMAT", description = "md, html or json "
            + "(default md; json with --output json).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (atomically) instead of stdout.")
    Path out;

    @Option(names = "--public-key", paramLabel = "FILE", description = "Check the seal's signature with this key.")
    Path publicKey;

    @Mixin
    TrustOptions trust;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    /** The journal of a run id, run directory, journal file, or unpacked {@code cutover export} bundle; or null. */
    static Path journal(String ref, Path stateDir) {
        return RunLocator.journal(ref, stateDir);
    }

    /** Reads the report, checking the journal against the keys and expectations the options give. */
    static RunReport read(RunLocator.Found found, TrustOptions trust, Path publicKey) throws IOException {
        return RunReport.read(found.journal(), trust.keys(publicKey), trust.expect(found.expect()));
    }

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        if (global.json() && format != null && !format.equalsIgnoreCase("json")) {
            throw new ExitException.InvalidInput(
                    "cutover: --output json asks for the JSON report but --format says " + format
                    + ": give one of them (or --format json); nothing was written.");
        }
        ReportFormat f;
        try {
            f = ReportFormat.parse(format != null ? format : global.json() ? "json" : "md");
        } catch (IllegalArgumentException e) {
            throw new ExitException.InvalidInput("cutover: " + e.getMessage());
        }
        global.team(); // a run in the team store is read from there
        RunLocator.Found found = RunLocator.find(run, global.stateDirectory());
        if (found == null) {
            throw new ExitException.InvalidInput(
                    "cutover: no run '" + run + "' (looked for a journal file, a run directory, and "
                    + global.stateDirectory().resolve("runs") + "/" + run + ")");
        }
        RunReport report;
        try {
            report = read(found, trust, publicKey);
        } catch (IOException e) {
            throw new ExitException.InvalidInput("cutover: " + e.getMessage());
        }
        String text = f.render(report);
        if (out == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            try {
                PrivateFiles.createDirectories(out.toAbsolutePath().getParent());
                AtomicFiles.writeString(out, text, AtomicFiles.OWNER_ONLY);
            } catch (IOException e) {
                throw new ExitException.InvalidInput("cutover: cannot write " + out + ": " + dev.cutover.spi.ErrorText.of(e));
            }
            spec.commandLine().getOut().println("wrote " + out);
        }
        if (!report.verification().ok()) {
            err.println("cutover: " + report.verification().text());
            return 1;
        }
        if (!report.verification().authenticated()) {
            err.println("cutover: warning: " + report.verification().text());
        }
        return 0;
    }
}
