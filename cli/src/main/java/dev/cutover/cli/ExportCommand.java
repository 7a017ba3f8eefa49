package dev.cutover.cli;

import dev.cutover.report.RunExport;
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

/** {@code cutover export}: one zip with the run directory, its reports, the runbook and a SHA-256 manifest. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Bundle a run as one zip to attach to a change ticket or send to a regulator: the run "
                + "directory (journal), report.md/.html/.json, the runbook file as run, README.txt and SHA256SUMS. "
                + "Step backups are listed but left out unless --include-backups. Exit 0 written, 1 written but the "
                + "journal does not verify, 2 run or key not found or the zip cannot be written.")
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run id or run directory.")
    String run;

    @Option(names = "--out", paramLabel = "FILE.zip", required = true, description = "The zip to write (atomically).")
    Path out;

    @Option(names = "--public-key", paramLabel = "FILE", description = "Check the seal's signature for the reports.")
    Path publicKey;

    @Option(names = "--include-backups", description = "Also include the step backups (may hold private keys).")
    boolean includeBackups;

    @Mixin
    TrustOptions trust;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        global.team(); // a run in the team store is read from there
        RunLocator.Found found = RunLocator.find(run, global.stateDirectory());
        Path journal = found == null ? null : found.journal();
        if (journal == null || !journal.getFileName().toString().equals(dev.cutover.journal.Journal.FILE_NAME)) {
            throw new ExitException.InvalidInput("cutover: no run '" + run + "' (looked for a run directory and "
                    + global.stateDirectory().resolve("runs") + "/" + run + ")");
        }
        RunReport report;
        RunExport.Result r;
        try {
            report = ReportCommand.read(found, trust, publicKey);
            r = RunExport.write(journal.toAbsolutePath().getParent(), report, out, includeBackups);
        } catch (IOException e) {
            throw new ExitException.InvalidInput(
                    "cutover: cannot export " + run + " to " + out + ": " + dev.cutover.spi.ErrorText.of(e));
        }
        var o = spec.commandLine().getOut();
        o.println("wrote " + out + ": " + r.files().size() + " files and SHA256SUMS");
        r.omitted().forEach(s -> o.println("  not included: " + s));
        if (!report.verification().ok()) {
            err.println("cutover: " + report.verification().text());
            return 1;
        }
        return 0;
    }
}
