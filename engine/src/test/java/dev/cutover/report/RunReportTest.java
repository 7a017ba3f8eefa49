package dev.cutover.report;

import dev.cutover.journal.Journal;
import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunReportTest {
    @TempDir
    Path dir;

    private static Map<String, Object> outputs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return Map.of("outputs", m, "duration_ms", 12);
    }

    /** A run that imported a CA (built-in undo), failed validation, undid the import, and then crashed. */
    private Path crashedRun() throws Exception {
        Path run = dir.resolve("run");
        try (Journal j = Journal.create(run, "r-1", "alice", new Masker())) {
            j.append("run.started", null, null, null, Map.of("runbook", "rotate", "runbook_sha256", "ab".repeat(32),
                    "operator", "alice", "mode", "run"));
            j.append("step.started", "import-ca", "steps", 1, Map.of("uses", "tls.store-import"));
            j.append("step.intent", "import-ca", "steps", 1, Map.of("undo", Map.of("backup", "/b"),
                    "undo_kind", "built-in"));
            j.append("step.succeeded", "import-ca", "steps", 1, outputs("a0", "<script>alert(1)</script> | x",
                    "a1", "1", "a2", "2", "a3", "3", "a4", "4", "a5", "5", "a6", "6", "a7", "7", "a8", "8",
                    "new_ca_sha256", "9f:86"));
            j.append("step.started", "check", "validate", 1, Map.of("uses", "tls.handshake"));
            j.append("step.failed", "check", "validate", 1, Map.of("error", "PKIX path building failed",
                    "will_retry", false, "duration_ms", 5));
            j.append("rollback.started", null, "undo", null, Map.of("reason", "validation failed",
                    "undo_order", List.of("import-ca")));
            j.append("undo.started", "import-ca", "undo", null, Map.of("kind", "built-in", "uses",
                    "tls.store-import"));
            j.append("undo.succeeded", "import-ca", "undo", null, Map.of("outputs", Map.of("restored", "/b"),
                    "duration_ms", 7));
            j.append("step.started", "restart", "rollback", 1, Map.of("uses", "process.restart"));
        }
        return run.resolve(Journal.FILE_NAME);
    }

    @Test
    void aBuiltInUndoIsOneUndoneEntryAndOneSpanAndAStepWithoutOutcomeIsSaidToHaveNone() throws Exception {
        RunReport r = RunReport.read(crashedRun(), null);
        List<String> entries = r.timeline().stream().map(e -> e.event() + " " + e.step() + " " + e.outcome()).toList();
        assertEquals(List.of("run.started null started", "step.succeeded import-ca ok", "step.failed check failed",
                "rollback.started null rollback started", "undo.succeeded import-ca undone",
                "step.started restart no outcome recorded"), entries);
        assertEquals(List.of("steps/import-ca ok", "validate/check failed", "undo/import-ca undone"),
                r.spans().stream().map(s -> s.section() + "/" + s.step() + " " + s.outcome()).toList());
        assertEquals("unfinished", r.header().status());
        assertNull(r.header().finished());
        assertNull(r.rollback().ok(), "the rollback never finished");
        assertEquals("not run", r.rollback().revalidation());
        assertEquals(7L, r.timeline().get(4).durationMs());
        assertTrue(r.timeline().get(1).detail().contains("undo recorded before the change (built-in)"));
    }

    @Test
    void fingerprintsAndCaIdentifiersAreAmongTheOutputsShownEvenWhenThereAreMany() throws Exception {
        RunReport r = RunReport.read(crashedRun(), null);
        Map<String, String> shown = r.timeline().get(1).outputs();
        assertEquals(8, shown.size());
        assertEquals("new_ca_sha256", shown.keySet().iterator().next(), shown.toString());
    }

    @Test
    void stepOutputCannotInjectMarkupIntoTheHtmlOrBreakTheMarkdownTable() throws Exception {
        RunReport r = RunReport.read(crashedRun(), null);
        String html = ReportFormat.HTML.render(r);
        assertFalse(html.contains("<script>"), "escaped");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        String md = ReportFormat.MD.render(r);
        assertTrue(md.contains("</script> \\| x"), md);
    }

    @Test
    void aTamperedJournalReportsOnlyTheLinesBeforeTheFirstBadOne() throws Exception {
        Path journal = crashedRun();
        Files.writeString(journal, Files.readString(journal).replace("PKIX path building failed", "all fine"));
        RunReport r = RunReport.read(journal, null);
        assertFalse(r.verification().ok());
        assertEquals(6, r.verification().badLine());
        assertEquals(5, r.verification().events());
        assertTrue(r.verification().text().startsWith("NOT VERIFIED: line 6"), r.verification().text());
        assertTrue(r.timeline().stream().noneMatch(e -> "check".equals(e.step()) && e.outcome().equals("failed")));
        assertTrue(ReportFormat.JSON.render(r).contains("\"bad_line\" : 6"));
    }

    @Test
    void offsetsAndDurationsReadLikeAnIncidentLog() {
        assertEquals("00:01:15.250", RunReport.offset(75_250));
        assertEquals("26:00:00.000", RunReport.offset(26 * 3_600_000L));
        assertEquals("850ms", RunReport.duration(850L));
        assertEquals("12.3s", RunReport.duration(12_300L));
        assertEquals("2m", RunReport.duration(120_000L));
        assertEquals("4m 05s", RunReport.duration(245_000L));
        assertEquals("2h 01m", RunReport.duration(7_260_000L));
    }
}
