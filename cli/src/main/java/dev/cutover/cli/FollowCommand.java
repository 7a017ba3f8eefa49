package dev.cutover.cli;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.team.PostgresStateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code cutover follow RUN}: another operator's run, live, event by event, from the team store. */
@Command(name = "follow", mixinStandardHelpOptions = true,
        description = "Show a run live, step by step, as its events are committed (from the team store with --state, "
                + "else from this state directory), until it finishes. Exit: the run's own exit code once it "
                + "finished; 2 no such run; 6 its process stopped without finishing (resume it).")
final class FollowCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run id.")
    String run;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!run.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new ExitException.InvalidInput("cutover: '" + run + "' is not a run id");
        }
        Optional<PostgresStateStore> team = global.team();
        Path local = global.stateDirectory().resolve("runs").resolve(run).resolve(Journal.FILE_NAME);
        PrintWriter out = spec.commandLine().getOut();
        long seen = 0;
        int idle = 0;
        boolean headerShown = false;
        while (true) {
            List<String> lines = team.isPresent() ? team.get().lines(run, seen) : localLines(local, seen);
            if (seen == 0 && lines.isEmpty()) {
                throw new ExitException.InvalidInput("cutover: no run '" + run + "' in " + (team.isPresent()
                        ? "the team store " + team.get().describe() : local.getParent().getParent()));
            }
            for (String line : lines) {
                JournalEvent e = JournalReader.parse(line);
                seen = e.seq();
                if (global.json()) {
                    out.println(line);
                } else {
                    if (!headerShown) {
                        out.println("following run " + run + (team.isPresent() ? " in " + team.get().describe() : "")
                                + " (Ctrl-C stops following, not the run)");
                        headerShown = true;
                    }
                    out.println(render(e));
                }
                out.flush();
                if (e.event().equals("run.finished")) {
                    Object code = e.data().get("exit_code");
                    return code instanceof Number n ? n.intValue() : 0;
                }
            }
            idle = lines.isEmpty() ? idle + 1 : 0;
            if (idle > 0 && idle % 8 == 0 && team.isPresent()) {
                Optional<PostgresStateStore.Writer> w = team.get().writer(run);
                if (w.isEmpty() || !w.get().live()) {
                    spec.commandLine().getErr().println("cutover: run " + run + " stopped without finishing: no process "
                            + "holds its journal any more (" + w.map(x -> "last " + x.holder()).orElse("released")
                            + "). It crashed, was killed or lost the team store; continue or roll it back with "
                            + "'cutover resume " + run + " --runbook FILE' (any machine, same --state).");
                    return 6;
                }
            }
            Thread.sleep(250);
        }
    }

    private static List<String> localLines(Path journal, long after) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(journal)) {
            return out;
        }
        List<String> all = Files.readAllLines(journal, StandardCharsets.UTF_8);
        for (int i = (int) after; i < all.size(); i++) {
            if (!all.get(i).isBlank()) {
                out.add(all.get(i));
            }
        }
        return out;
    }

    /** One event as one line: time, sequence, event, where, and what it says. */
    static String render(JournalEvent e) {
        StringBuilder b = new StringBuilder();
        b.append(e.time(), Math.min(11, e.time().length()), Math.min(23, e.time().length())).append(' ');
        b.append(String.format("%4d  %-20s", e.seq(), e.event()));
        if (e.step() != null) {
            b.append(' ').append(e.section() == null ? "" : e.section() + "/").append(e.step());
        }
        for (String k : List.of("status", "uses", "approver", "error", "reason", "key", "decision")) {
            String v = e.dataString(k);
            if (v != null && !v.isBlank()) {
                b.append("  ").append(k).append('=').append(dev.cutover.report.Printable.line(v.length() > 160 ? v.substring(0, 160)
                        + "..." : v));
            }
        }
        return b.toString();
    }
}
