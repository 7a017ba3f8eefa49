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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path runs = global.stateDirectory().resolve("runs");
        List<Map<String, Object>> rows = new ArrayList<>();
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
        out.printf("%-22s %-24s %-36s %-24s %9s  %s%n", "RUN", "RUNBOOK", "STATUS", "STARTED", "DURATION", "OPERATOR");
        for (Map<String, Object> r : rows) {
            out.printf("%-22s %-24s %-36s %-24s %9s  %s%n", r.get("run_id"), r.get("runbook"), r.get("status"),
                    r.get("started"), r.get("duration"), r.get("operator") + (r.get("os_user") == null ? ""
                            : " (OS user " + r.get("os_user") + " on " + r.get("host") + ")"));
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
