package dev.cutover.cli;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.report.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code cutover runs}: recent runs in the state directory. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List recent runs: id, runbook, status, "
        + "start, duration, operator.")
final class RunsCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--limit", defaultValue = "20", description = "How many (default 20).")
    int limit;

    @Spec
    CommandSpec spec;

    /**
     * One run as {@code runs --output json} prints it (docs/schemas/runs.schema.json); any field but
     * {@code run_id} and {@code status} is null when the journal cannot be read.
     *
     * @param rolledBackBy the later run that rolled this one back; null when none did
     * @param status       how it ended; {@code *} marks a rehearsal, {@code UNFINISHED}, {@code UNREADABLE}
     * @param duration     from its first to its last event, for people ({@code 2.3s})
     */
    record Row(String runId, String runbook, String rolledBackBy, String status, Boolean rehearsal, String started,
               String duration, String operator, String osUser, String host) {

        /** Who ran it, for the table: the operator, and the OS account and host when they were recorded. */
        String who() {
            String os = osUser == null ? "" : " (OS user " + osUser + (host == null ? "" : " on " + host) + ")";
            return operator == null && os.isEmpty() ? null : (operator == null ? TextTable.MISSING : operator) + os;
        }
    }

    @Override
    public Integer call() throws IOException {
        Path runs = global.stateDirectory().resolve("runs");
        List<Row> rows = new ArrayList<>();
        if (Files.isDirectory(runs)) {
            try (Stream<Path> dirs = Files.list(runs)) {
                for (Path d : dirs.sorted(Comparator.reverseOrder()).limit(limit).toList()) {
                    Path j = d.resolve(Journal.FILE_NAME);
                    if (Files.isRegularFile(j)) {
                        rows.add(row(j));
                    }
                }
            }
        }
        var out = spec.commandLine().getOut();
        if (global.json()) {
            JsonSummary.print(out, rows);
            return 0;
        }
        if (rows.isEmpty()) {
            out.println("no runs in " + runs);
            return 0;
        }
        TextTable table = TextTable.of("RUN", "RUNBOOK", "STATUS", "STARTED", "DURATION", "OPERATOR").right(4);
        rows.forEach(r -> table.row(r.runId(), r.runbook(), r.status(), r.started(), r.duration(), r.who()));
        table.lines().forEach(out::println);
        if (rows.stream().anyMatch(r -> Boolean.TRUE.equals(r.rehearsal()))) {
            out.println();
            out.println("* a rehearsal: a run journaled by 'cutover rehearse' or 'cutover plan', not a change to "
                    + "production");
        }
        return 0;
    }

    /** How a run ended, from its journal: its status, UNFINISHED or UNREADABLE. */
    private static String laterStatus(Path journal) {
        try {
            return JournalReader.read(journal).events().stream().filter(e -> e.event().equals("run.finished"))
                    .reduce((a, b) -> b).map(e -> e.dataString("status")).orElse("UNFINISHED");
        } catch (IOException | RuntimeException e) {
            return "UNREADABLE";
        }
    }

    private static Row row(Path journal) {
        String runId = journal.getParent().getFileName().toString();
        try {
            List<JournalEvent> ev = JournalReader.read(journal).events();
            JournalEvent first = ev.get(0);
            JournalEvent last = ev.get(ev.size() - 1);
            boolean rehearsal = Boolean.TRUE.equals(first.data().get("rehearsal"));
            String status = ev.stream().filter(e -> e.event().equals("run.finished")).reduce((a, b) -> b)
                    .map(e -> e.dataString("status")).orElse("UNFINISHED");
            java.util.Optional<String> by = dev.cutover.run.Recovery.rolledBackBy(journal.getParent());
            if (by.isPresent()) {
                String later = laterStatus(journal.getParent().resolveSibling(by.get()).resolve(journal.getFileName()));
                status = "ROLLED_BACK".equals(later) ? "ROLLED_BACK by " + by.get()
                        : status + ", rollback " + by.get() + " " + later;
            }
            return new Row(runId, first.dataString("runbook"), by.orElse(null), status + (rehearsal ? "*" : ""),
                    rehearsal, first.time(), dev.cutover.spi.Durations.format(Duration.between(
                    Instant.parse(first.time()), Instant.parse(last.time()))), first.operator(),
                    first.dataString("os_user"), first.dataString("host"));
        } catch (IOException | RuntimeException e) {
            return new Row(runId, null, null, "UNREADABLE", null, null, null, null, null, null);
        }
    }
}
