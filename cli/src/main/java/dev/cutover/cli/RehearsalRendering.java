package dev.cutover.cli;

import dev.cutover.rehearse.Attempt;
import dev.cutover.rehearse.RehearsalReport;
import dev.cutover.secrets.Masker;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rehearsal's closing table (text) or summary object (json). */
final class RehearsalRendering {
    private RehearsalRendering() {
    }

    static String verdict(Attempt a) {
        String what = a.injectedAt() == null ? "forward again" : "failure after '" + a.injectedAt() + "'";
        String facts = a.restored() == null ? "" : Boolean.TRUE.equals(a.restored()) ? ", facts restored"
                : ", facts NOT restored";
        return what + ": " + a.status() + facts + (a.proven() ? " -> proven" : " -> NOT proven")
                + (a.note().isEmpty() ? "" : " (" + a.note() + ")");
    }

    static void print(RehearsalReport r, String runbook, boolean json, PrintWriter out, Masker masker) {
        if (json) {
            JsonSummary.print(out, json(r, runbook));
            out.flush();
            return;
        }
        out.println();
        out.printf("%-28s %-16s %-15s %8s  %s%n", "INJECTED AT", "ROLLBACK", "FACTS RESTORED", "TIME", "RUN");
        for (Attempt a : r.attempts()) {
            String restored = a.restored() == null ? "-" : a.restored() ? "yes" : "no (" + a.leftovers().size() + ")";
            out.printf("%-28s %-16s %-15s %7.1fs  %s%s%n", a.injectedAt() == null ? "(forward again)" : a.injectedAt(),
                    a.status(), restored, a.durationMs() / 1000.0, a.runId(), a.proven() ? "" : "  NOT PROVEN");
            a.leftovers().forEach(l -> out.println("    " + masker.mask(l)));
            if (!a.note().isEmpty() && !a.proven()) {
                out.println("    " + masker.mask(a.note()));
            }
        }
        r.notRun().forEach(n -> out.println("not rehearsed: " + n));
        out.println();
        long proven = r.attempts().stream().filter(Attempt::proven).count();
        if (r.proven()) {
            out.println("PROVEN: " + proven + " of " + r.attempts().size() + " rehearsal run(s) of " + runbook + " in "
                    + r.environment() + (r.attempts().stream().anyMatch(a -> a.injectedAt() == null)
                    ? "; the forward run after the rollback succeeded and the change is now applied"
                    : ": every rollback brought the facts back to where they started") + ".");
        } else {
            out.println("NOT PROVEN: " + proven + " of " + r.attempts().size() + " rehearsal run(s) proven"
                    + (r.stopped().isEmpty() ? "" : "; " + masker.mask(r.stopped())) + ".");
        }
        out.println("Facts recorded first in " + r.factsRun() + "; each run's journal is marked as a rehearsal "
                + "('cutover runs' shows it with *).");
        out.flush();
    }

    private static Map<String, Object> json(RehearsalReport r, String runbook) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runbook", runbook);
        m.put("environment", r.environment());
        m.put("status", r.proven() ? "PROVEN" : "NOT_PROVEN");
        m.put("exit_code", r.exitCode());
        m.put("facts_run", r.factsRun());
        m.put("stopped", r.stopped());
        m.put("not_rehearsed", r.notRun());
        m.put("ignored", r.ignored());
        List<Map<String, Object>> attempts = r.attempts().stream().map(a -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("injected_at", a.injectedAt());
            x.put("run_id", a.runId());
            x.put("journal", a.journal().toString());
            x.put("status", a.status().name());
            x.put("injected", a.injected());
            x.put("facts_restored", a.restored());
            x.put("differences", a.leftovers());
            x.put("proven", a.proven());
            x.put("duration_ms", a.durationMs());
            x.put("note", a.note());
            return x;
        }).toList();
        m.put("attempts", attempts);
        return m;
    }
}
