package dev.cutover.cli;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Override
    public Integer call() throws IOException {
        Instant from = since == null ? null : since(since);
        if (status != null) {
            status = status.toUpperCase(java.util.Locale.ROOT);
        }
        java.util.Optional<dev.cutover.team.PostgresStateStore> team = global.team();
        Path runs = global.stateDirectory().resolve("runs");
        List<Map<String, Object>> rows = new ArrayList<>();
        if (team.isPresent()) {
            rows.addAll(team.get().runs(new dev.cutover.team.RunsQuery(runbook, status, operator, from, limit)));
        } else if (Files.isDirectory(runs)) {
            try (Stream<Path> dirs = Files.list(runs)) {
                for (Path d : dirs.sorted(Comparator.reverseOrder()).toList()) {
                    Path j = d.resolve(Journal.FILE_NAME);
                    if (rows.size() >= limit) {
                        break;
                    }
                    if (Files.isRegularFile(j)) {
                        Map<String, Object> r = row(j);
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
        out.printf("%-22s %-24s %-36s %-24s %9s  %s%n", "RUN", "RUNBOOK", "STATUS", "STARTED", "DURATION", "OPERATOR");
        for (Map<String, Object> r : rows) {
            out.printf("%-22s %-24s %-36s %-24s %9s  %s%n", r.get("run_id"), r.get("runbook"), r.get("status"),
                    r.get("started"), r.get("duration"), r.get("operator") + (r.get("os_user") == null ? ""
                            : " (OS user " + r.get("os_user") + " on " + r.get("host") + ")"));
        }
        return 0;
    }

    private boolean matches(Map<String, Object> r, Instant from) {
        String st = String.valueOf(r.get("status")).replaceFirst("\\*$", "");
        return (runbook == null || runbook.equals(r.get("runbook"))) && (status == null || st.equals(status)
                || st.startsWith(status + " ")) && (operator == null || operator.equals(r.get("operator")))
                && (from == null || r.get("started") != null && !Instant.parse(r.get("started").toString()).isBefore(from));
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

    private static Map<String, Object> row(Path journal) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", journal.getParent().getFileName().toString());
        try {
            List<JournalEvent> ev = JournalReader.read(journal).events();
            JournalEvent first = ev.get(0);
            JournalEvent last = ev.get(ev.size() - 1);
            boolean rehearsal = Boolean.TRUE.equals(first.data().get("rehearsal"));
            String status = ev.stream().filter(e -> e.event().equals("run.finished")).reduce((a, b) -> b)
                    .map(e -> e.dataString("status")).orElse("UNFINISHED");
            m.put("runbook", first.dataString("runbook"));
            java.util.Optional<String> by = dev.cutover.run.Recovery.rolledBackBy(journal.getParent());
            if (by.isPresent()) {
                String later = laterStatus(journal.getParent().resolveSibling(by.get()).resolve(journal.getFileName()));
                m.put("rolled_back_by", by.get());
                status = "ROLLED_BACK".equals(later) ? "ROLLED_BACK by " + by.get()
                        : status + ", rollback " + by.get() + " " + later;
            }
            m.put("status", status + (rehearsal ? "*" : ""));
            m.put("rehearsal", rehearsal);
            m.put("started", first.time());
            m.put("duration", dev.cutover.spi.Durations.format(Duration.between(Instant.parse(first.time()),
                    Instant.parse(last.time()))));
            m.put("operator", first.operator());
            m.put("os_user", first.dataString("os_user"));
            m.put("host", first.dataString("host"));
        } catch (IOException | RuntimeException e) {
            m.put("runbook", "?");
            m.put("status", "UNREADABLE");
        }
        return m;
    }
}
