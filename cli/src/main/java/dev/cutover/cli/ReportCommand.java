package dev.cutover.cli;

import dev.cutover.journal.SealKeys;
import dev.cutover.journal.SealPublicKey;
import dev.cutover.report.AtomicFiles;
import dev.cutover.report.ReportFormat;
import dev.cutover.report.RunReport;
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

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "md", description = "md, html or json "
            + "(default md).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (atomically) instead of stdout.")
    Path out;

    @Option(names = "--public-key", paramLabel = "FILE", description = "Check the seal's signature with this key.")
    Path publicKey;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    /** The journal of a run id, run directory, journal file, or unpacked {@code cutover export} bundle; or null. */
    static Path journal(String ref, Path stateDir) {
        Path found = RunLocator.journal(ref, stateDir);
        Path bundled = Path.of(ref).resolve("run").resolve(dev.cutover.journal.Journal.FILE_NAME);
        return found != null ? found : java.nio.file.Files.isRegularFile(bundled) ? bundled : null;
    }

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        ReportFormat f;
        try {
            f = ReportFormat.parse(format);
        } catch (IllegalArgumentException e) {
            err.println("cutover: " + e.getMessage());
            return 2;
        }
        Path journal = journal(run, global.stateDirectory());
        if (journal == null) {
            err.println("cutover: no run '" + run + "' (looked for a journal file, a run directory, and "
                    + global.stateDirectory().resolve("runs") + "/" + run + ")");
            return 2;
        }
        RunReport report;
        try {
            SealPublicKey key = publicKey == null ? null : SealKeys.readPublic(publicKey);
            report = RunReport.read(journal, key);
        } catch (IOException e) {
            err.println("cutover: " + e.getMessage());
            return 2;
        }
        String text = f.render(report);
        if (out == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            try {
                AtomicFiles.writeString(out, text);
            } catch (IOException e) {
                err.println("cutover: cannot write " + out + ": " + e);
                return 2;
            }
            spec.commandLine().getOut().println("wrote " + out);
        }
        if (!report.verification().ok()) {
            err.println("cutover: " + report.verification().text());
            return 1;
        }
        return 0;
    }
}
