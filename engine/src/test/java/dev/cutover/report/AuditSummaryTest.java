package dev.cutover.report;

import dev.cutover.journal.Journal;
import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's first screen answers what changed, what was undone, whether re-validation proved it back. */
class AuditSummaryTest {
    @TempDir
    Path dir;

    /** Two changes; validation fails; one undo succeeds, the other fails; re-validation fails. */
    private Path failedUndoRun() throws Exception {
        Path run = dir.resolve("r-1");
        try (Journal j = Journal.create(run, "r-1", "alice", new Masker())) {
            j.append("run.started", null, null, null, Map.of("runbook", "rotate", "mode", "run", "os_user", "root",
                    "os_uid", 0, "host", "db-1", "pid", 1));
            j.append("step.started", "go", "steps", 1, Map.of("uses", "approval", "mutating", false));
            j.append("approval.granted", "go", "steps", 1, Map.of("approver", "dana", "time", "t1", "reason", "ok"));
            j.append("step.succeeded", "go", "steps", 1, Map.of());
            for (String s : List.of("import-ca", "rotate-db")) {
                j.append("step.started", s, "steps", 1, Map.of("uses", "x", "mutating", true));
                j.append("step.intent", s, "steps", 1, Map.of("undo", Map.of(), "undo_kind", "built-in"));
                j.append("step.succeeded", s, "steps", 1, Map.of("duration_ms", 3));
            }
            j.append("step.started", "check", "validate", 1, Map.of("uses", "tls.handshake"));
            j.append("step.failed", "check", "validate", 1, Map.of("error", "PKIX", "will_retry", false));
            j.append("rollback.started", null, "undo", null, Map.of("reason", "validation failed",
                    "undo_order", List.of("rotate-db", "import-ca")));
            j.append("undo.started", "rotate-db", "undo", null, Map.of("kind", "built-in", "uses", "x"));
            j.append("undo.succeeded", "rotate-db", "undo", null, Map.of("duration_ms", 2));
            j.append("undo.started", "import-ca", "undo", null, Map.of("kind", "built-in", "uses", "x"));
            j.append("undo.failed", "import-ca", "undo", null, Map.of("error", "backup checksum differs"));
            j.append("step.started", "check", "revalidate", 1, Map.of("uses", "tls.handshake"));
            j.append("step.failed", "check", "revalidate", 1, Map.of("error", "still broken", "will_retry", false));
            j.append("rollback.finished", null, "undo", null, Map.of("ok", false,
                    "manual_actions", List.of("restore the truststore by hand")));
            j.append("run.finished", null, null, null, Map.of("status", "ROLLBACK_FAILED", "exit_code", 4));
        }
        return run.resolve(Journal.FILE_NAME);
    }

    @Test
    void theFirstScreenSaysWhatChangedWhatWasUndoneAndThatReValidationFailed() throws Exception {
        RunReport r = RunReport.read(failedUndoRun(), null);
        RunReport.Summary s = r.summary();
        assertEquals(List.of("import-ca", "rotate-db"), s.changed());
        assertEquals(List.of("rotate-db"), s.undone());
        assertEquals(List.of("import-ca: backup checksum differs"), s.undoFailed());
        assertTrue(s.revalidationFailed());
        assertEquals(List.of("check: FAILED (still broken)"), s.revalidationChecks());
        assertEquals(List.of("go: dana at t1 (not signed)"), s.approvals());
        String md = ReportFormat.MD.render(r);
        assertTrue(md.indexOf("## Summary") < md.indexOf("## Facts") && md.indexOf("## Facts") < md.indexOf(
                "## Timeline"), md);
        assertTrue(md.contains("| UNDO FAILED | import-ca: backup checksum differs |"), md);
        assertTrue(md.contains("| Run by | alice (OS user root, uid 0) on db-1 |"), md);
        assertTrue(md.contains("| UNDO FAILED |"), md);
    }

    @Test
    void aFailedUndoIsDrawnRedAndFailedRowsStandOut() throws Exception {
        RunReport r = RunReport.read(failedUndoRun(), null);
        String html = ReportFormat.HTML.render(r);
        assertTrue(html.matches("(?s).*data-step=\"import-ca\" data-outcome=\"undo failed\"[^>]*fill=\"#b71c1c\".*"),
                "a failed undo is red");
        assertTrue(html.matches("(?s).*data-step=\"rotate-db\" data-outcome=\"undone\"[^>]*fill=\"#6a1b9a\".*"),
                "a successful undo keeps its own colour");
        assertFalse(GanttSvg.OUTCOME_COLOURS.get("undo failed").equals(GanttSvg.OUTCOME_COLOURS.get("undone")));
        assertTrue(html.contains("<tr class=\"failed\"><td>00:00:00"), "failed timeline rows are marked");
        assertTrue(html.contains("<tr class=\"failed\"><th>UNDO FAILED</th>"), html);
    }
}
