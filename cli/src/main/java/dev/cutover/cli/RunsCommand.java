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

    @Option(names = "--runbook", paramLabel = "NAME", description = "Only runs of this runbook.")
    String runbook;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only runs that ended so (SUCCEEDED, ROLLED_BACK, "
            + "ROLLBACK_FAILED, PREFLIGHT_FAILED, REFUSED, STOPPED, UNFINISHED, ...).")
    String status;

    @Option(names = "--operator", paramLabel = "NAME", description = "Only runs started by this operator.")
    String operator;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only runs started since: a duration back from now "
            + "(24h, 7d) or a UTC time (2026-11-30T08:00:00Z) or date (2026-11-30).")
    String since;

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
        Instant from = since == null ? null : since(since);
        if (status != null) {
            status = status.toUpperCase(java.util.Locale.ROOT);
        }
        java.util.Optional<dev.cutover.team.PostgresStateStore> team = global.team();
        Path runs = global.stateDirectory().resolve("runs");
        List<Row> rows = new ArrayList<>();
        if (team.isPresent()) {
            team.get().runs(new dev.cutover.team.RunsQuery(runbook, status, operator, from, limit))
                    .forEach(m -> rows.add(fromStore(m)));
        } else if (Files.isDirectory(runs)) {
            try (Stream<Path> dirs = Files.list(runs)) {
                for (Path d : dirs.sorted(Comparator.reverseOrder()).toList()) {
                    Path j = d.resolve(Journal.FILE_NAME);
                    if (rows.size() >= limit) {
                        break;
                    }
                    if (Files.isRegularFile(j)) {
                        Row r = row(j);
                        if (matches(r, from)) {
                            rows.add(r);
                        }
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
            out.println("no runs in " + (team.isPresent() ? "the team store " + team.get().describe() : runs)
                    + (runbook != null || status != null || operator != null || from != null ? " that match" : ""));
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

    private boolean matches(Row r, Instant from) {
        String st = String.valueOf(r.status()).replaceFirst("\\*$", "");
        return (runbook == null || runbook.equals(r.runbook())) && (status == null || st.equals(status)
                || st.startsWith(status + " ")) && (operator == null || operator.equals(r.operator()))
                && (from == null || r.started() != null && !Instant.parse(r.started()).isBefore(from));
    }

    /** A run as the team store lists it. */
    private static Row fromStore(java.util.Map<String, Object> m) {
        java.util.function.Function<String, String> text = k -> m.get(k) == null ? null : m.get(k).toString();
        return new Row(text.apply("run_id"), text.apply("runbook"), text.apply("rolled_back_by"), text.apply("status"),
                (Boolean) m.get("rehearsal"), text.apply("started"), text.apply("duration"), text.apply("operator"),
                text.apply("os_user"), text.apply("host"));
    }

    /** {@code --since}: 24h, 7d, ... back from now, or an ISO instant or date (UTC). */
    static Instant since(String text) {
        try {
            if (dev.cutover.spi.Durations.isValid(text)) {
                return Instant.now().minus(dev.cutover.spi.Durations.parse(text));
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (RuntimeException e) {
            throw new ExitException.InvalidInput("cutover: --since '" + text + "': give a duration back from now (24h, "
                    + "7d), a UTC time (2026-11-30T08:00:00Z) or a date (2026-11-30)");
        }
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
