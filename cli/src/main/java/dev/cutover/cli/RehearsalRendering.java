package dev.cutover.cli;

import dev.cutover.rehearse.Attempt;
import dev.cutover.rehearse.RehearsalReport;
import dev.cutover.report.TextTable;
import dev.cutover.secrets.Masker;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

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
            JsonSummary.print(out, json(r, runbook, masker));
            out.flush();
            return;
        }
        out.println();
        TextTable table = TextTable.of("INJECTED AT", "ROLLBACK", "FACTS RESTORED", "TIME", "RUN", "")
                .right(3);
        for (Attempt a : r.attempts()) {
            String restored = a.restored() == null ? null : a.restored() ? "yes" : "no (" + a.leftovers().size() + ")";
            table.row(a.injectedAt() == null ? "(forward again)" : a.injectedAt(), a.status(), restored,
                    String.format(Locale.ROOT, "%.1fs", a.durationMs() / 1000.0), a.runId(),
                    a.proven() ? "" : "NOT PROVEN");
            a.leftovers().forEach(l -> table.note(masker.mask(l)));
            if (!a.note().isEmpty() && !a.proven()) {
                table.note(masker.mask(a.note()));
            }
        }
        table.lines().forEach(out::println);
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

    /**
     * What {@code rehearse --output json} prints (docs/schemas/rehearsal.schema.json).
     *
     * @param status       PROVEN or NOT_PROVEN
     * @param factsRun     the run that recorded the facts first
     * @param stopped      why the rehearsal stopped early; empty when it did not
     * @param notRehearsed steps that were not rehearsed, with why
     */
    record Json(String runbook, String environment, String status, int exitCode, String factsRun, String stopped,
                List<String> notRehearsed, List<String> ignored, List<AttemptJson> attempts) {
    }

    /**
     * One rehearsal run.
     *
     * @param injectedAt     the step after which a failure was injected; null for the forward run again
     * @param factsRestored  whether every fact came back; null when not compared
     * @param differences    what was left over after the rollback
     */
    record AttemptJson(String injectedAt, String runId, java.nio.file.Path journal, String status, boolean injected,
                       Boolean factsRestored, List<String> differences, boolean proven, long durationMs, String note) {
    }

    /** The rehearsal as JSON, its free texts masked as the table's are. */
    private static Json json(RehearsalReport r, String runbook, Masker masker) {
        return new Json(runbook, r.environment(), r.proven() ? "PROVEN" : "NOT_PROVEN", r.exitCode(), r.factsRun(),
                masker.mask(r.stopped()), r.notRun().stream().map(masker::mask).toList(), r.ignored(),
                r.attempts().stream().map(a -> new AttemptJson(a.injectedAt(), a.runId(), a.journal(),
                        a.status().name(), a.injected(), a.restored(), a.leftovers().stream().map(masker::mask)
                        .toList(), a.proven(), a.durationMs(), masker.mask(a.note()))).toList());
    }
}
