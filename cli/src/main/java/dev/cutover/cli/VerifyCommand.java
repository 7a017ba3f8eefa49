package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cutover verify}: checks a journal's hash chain, offline. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a run's journal: every line's hash and its chain to the line before. Exit 0 when intact, "
                + "1 when any line was edited, removed, inserted or reordered, 2 when the run is not found.")
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run id, run directory or journal file.")
    String run;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path journal = RunLocator.journal(run, global.stateDirectory());
        if (journal == null) {
            spec.commandLine().getErr().println("cutover: no run '" + run + "' (looked for a journal file, a run "
                    + "directory, and " + global.stateDirectory().resolve("runs") + "/" + run + ")");
            return 2;
        }
        JournalVerifier.Verdict v;
        try {
            v = JournalVerifier.verify(journal);
        } catch (IOException e) {
            spec.commandLine().getErr().println("cutover: cannot read " + journal + ": " + e.getMessage());
            return 2;
        }
        JournalEvent first = v.events().isEmpty() ? null : v.events().get(0);
        JournalEvent last = v.last();
        String status = v.events().stream().filter(e -> e.event().equals("run.finished")).reduce((a, b) -> b)
                .map(e -> e.dataString("status")).orElse("unfinished");
        if (global.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", v.ok());
            m.put("journal", journal.toString());
            m.put("events", v.events().size());
            m.put("bad_line", v.badLine());
            m.put("problem", v.problem());
            m.put("run_id", first == null ? null : first.run());
            m.put("status", status);
            JsonSummary.print(spec.commandLine().getOut(), m);
        } else if (v.ok()) {
            spec.commandLine().getOut().println("OK: " + journal + " is intact: " + v.events().size() + " events of run "
                    + first.run() + " by " + first.operator() + ", " + first.time() + " to " + last.time()
                    + ", final status " + status + ". The hash chain ends at " + last.hash() + ".");
        } else {
            spec.commandLine().getErr().println("TAMPERED: " + journal + ": " + v.problem() + " (" + v.events().size()
                    + " lines before it verified)");
        }
        return v.ok() ? 0 : 1;
    }
}
