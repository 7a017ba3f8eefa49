package dev.cutover.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON report, schema {@value RunReport#SCHEMA}, documented in docs/report-schema.md. */
final class ReportJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ReportJson() {
    }

    static String render(RunReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", RunReport.SCHEMA);
        RunReport.Header h = r.header();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", h.runId());
        run.put("runbook", h.runbook());
        run.put("runbook_file", h.runbookFile());
        run.put("runbook_sha256", h.runbookSha256());
        run.put("environment", h.environment());
        run.put("operator", h.operator());
        run.put("os_user", h.osUser());
        run.put("os_uid", h.osUid());
        run.put("ticket", h.ticket());
        run.put("host", h.host());
        run.put("cutover_version", h.cutoverVersion());
        run.put("java_version", h.javaVersion());
        run.put("mode", h.mode());
        run.put("rehearsal", h.rehearsal());
        run.put("params", h.params());
        run.put("started", h.started());
        run.put("finished", h.finished());
        run.put("duration_ms", h.durationMs());
        run.put("status", h.status());
        run.put("exit_code", h.exitCode());
        run.put("reason", h.reason());
        run.put("manual_actions", h.manualActions());
        m.put("run", run);
        RunReport.Verification v = r.verification();
        Map<String, Object> ver = new LinkedHashMap<>();
        ver.put("ok", v.ok());
        ver.put("authenticated", v.authenticated());
        ver.put("events", v.events());
        ver.put("bad_line", v.badLine() == 0 ? null : v.badLine());
        ver.put("problem", v.problem());
        ver.put("last_hash", v.lastHash());
        ver.put("signature", v.signature());
        ver.put("signer_fingerprint", v.signerFingerprint());
        ver.put("algorithm", v.algorithm());
        ver.put("text", v.text());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (RunReport.Check c : v.checks()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", c.name());
            t.put("status", c.status());
            t.put("text", c.text());
            checks.add(t);
        }
        ver.put("checks", checks);
        m.put("verification", ver);
        RunReport.Summary su = r.summary();
        Map<String, Object> sum = new LinkedHashMap<>();
        sum.put("changed", su.changed());
        sum.put("failed_changes", su.failedChanges());
        sum.put("undone", su.undone());
        sum.put("undo_failed", su.undoFailed());
        sum.put("kept", su.kept());
        sum.put("revalidation", su.revalidation());
        sum.put("revalidation_checks", su.revalidationChecks());
        sum.put("revalidation_failed", su.revalidationFailed());
        sum.put("approvals", su.approvals());
        m.put("summary", sum);
        List<Map<String, Object>> timeline = new ArrayList<>();
        for (RunReport.TimelineEntry e : r.timeline()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("seq", e.seq());
            t.put("time", e.time());
            t.put("offset_ms", e.offsetMs());
            t.put("offset", RunReport.offset(e.offsetMs()));
            t.put("section", e.section());
            t.put("step", e.step());
            t.put("event", e.event());
            t.put("outcome", e.outcome());
            t.put("attempt", e.attempt());
            t.put("duration_ms", e.durationMs());
            t.put("uses", e.uses());
            t.put("detail", e.detail());
            t.put("error", e.error());
            t.put("outputs", e.outputs());
            t.put("changes", e.changes());
            timeline.add(t);
        }
        m.put("timeline", timeline);
        List<Map<String, Object>> spans = new ArrayList<>();
        for (RunReport.Span s : r.spans()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("section", s.section());
            t.put("step", s.step());
            t.put("attempt", s.attempt());
            t.put("start_ms", s.startMs());
            t.put("end_ms", s.endMs());
            t.put("outcome", s.outcome());
            spans.add(t);
        }
        m.put("spans", spans);
        RunReport.Rollback rb = r.rollback();
        if (rb == null) {
            m.put("rollback", null);
        } else {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("reason", rb.reason());
            t.put("undo_order", rb.undoOrder());
            t.put("ok", rb.ok());
            t.put("manual_actions", rb.manualActions());
            t.put("revalidation", rb.revalidation());
            m.put("rollback", t);
        }
        {
            List<Map<String, Object>> hosts = new ArrayList<>();
            for (RunReport.HostView hv : r.hosts()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("host", hv.host());
                t.put("state", hv.state());
                t.put("steps", hv.steps());
                t.put("timeline", hv.timeline().stream().map(e -> {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("seq", e.seq());
                    x.put("offset_ms", e.offsetMs());
                    x.put("section", e.section());
                    x.put("step", e.step());
                    x.put("event", e.event());
                    x.put("outcome", e.outcome());
                    x.put("error", e.error());
                    return x;
                }).toList());
                hosts.add(t);
            }
            m.put("hosts", hosts);
        }
        try {
            return MAPPER.writeValueAsString(m) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
