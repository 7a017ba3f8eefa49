package dev.cutover.report;

import dev.cutover.journal.Canonical;
import dev.cutover.journal.JournalEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns journal events into a report: the start of a step, its intent and its outcome fold into one
 * timeline entry (and one Gantt span); run-level and rollback events get entries of their own.
 */
final class TimelineBuilder {
    private static final int MAX_VALUE = 200;
    private static final int MAX_OUTPUTS = 8;

    private final List<JournalEvent> events;
    private final String t0;
    private final List<RunReport.TimelineEntry> timeline = new ArrayList<>();
    private final List<RunReport.Span> spans = new ArrayList<>();

    TimelineBuilder(List<JournalEvent> events) {
        this.events = events;
        this.t0 = events.isEmpty() ? null : events.get(0).time();
        build();
    }

    List<RunReport.TimelineEntry> timeline() {
        return timeline;
    }

    List<RunReport.Span> spans() {
        return spans;
    }

    RunReport.Header header() {
        JournalEvent s = RunReport.firstOf(events, "run.started");
        JournalEvent f = null;
        for (JournalEvent e : events) {
            if (e.event().equals("run.finished")) {
                f = e;
            }
        }
        Map<String, Object> sd = s == null ? Map.of() : s.data();
        Map<String, Object> fd = f == null ? Map.of() : f.data();
        Long duration = fd.get("duration_ms") instanceof Number n ? n.longValue()
                : f != null && s != null ? RunReport.millisBetween(s.time(), f.time()) : null;
        @SuppressWarnings("unchecked")
        Map<String, Object> params = sd.get("params") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return new RunReport.Header(events.isEmpty() ? null : events.get(0).run(), str(sd.get("runbook")),
                str(sd.get("runbook_file")), str(sd.get("runbook_sha256")), str(sd.get("environment")),
                s == null ? null : s.operator(), str(sd.get("os_user")), str(sd.get("os_uid")), str(sd.get("ticket")),
                str(sd.get("host")),
                str(sd.get("cutover_version")), str(sd.get("java_version")), str(sd.get("mode")),
                sd.get("rehearsal") instanceof Boolean b ? b : null, params, s == null ? null : s.time(),
                f == null ? null : f.time(), duration, f == null ? "unfinished" : str(fd.get("status")),
                fd.get("exit_code") instanceof Number n ? n.intValue() : null, str(fd.get("reason")),
                strings(fd.get("manual_actions")));
    }

    RunReport.Rollback rollback() {
        JournalEvent started = RunReport.firstOf(events, "rollback.started");
        if (started == null) {
            return null;
        }
        JournalEvent finished = RunReport.firstOf(events, "rollback.finished");
        boolean anyRevalidation = false;
        boolean revalidationFailed = false;
        for (JournalEvent e : events) {
            if ("revalidate".equals(e.section()) && isOutcome(e.event())) {
                anyRevalidation = true;
                revalidationFailed |= e.event().equals("step.failed") && !Boolean.TRUE.equals(e.data().get("will_retry"));
            }
        }
        // journals since re-validation compares facts record its verdict; older ones only their checks' outcomes
        JournalEvent verdict = RunReport.firstOf(events, "revalidation.finished");
        dev.cutover.journal.Payload.RevalidationFinished v = verdict == null ? null
                : dev.cutover.journal.Payload.RevalidationFinished.of(verdict);
        String revalidation = v != null ? v.proven() ? "passed" : v.checked() == 0 ? "checked nothing" : "failed"
                : !anyRevalidation ? "not run" : revalidationFailed ? "failed" : "passed";
        dev.cutover.journal.Payload.RollbackStarted rs = dev.cutover.journal.Payload.RollbackStarted.of(started);
        dev.cutover.journal.Payload.RollbackFinished rf = finished == null ? null
                : dev.cutover.journal.Payload.RollbackFinished.of(finished);
        return new RunReport.Rollback(rs.reason(), rs.undoOrder(),
                finished == null || !(finished.data().get("ok") instanceof Boolean) ? null : rf.ok(),
                rf == null ? List.of() : rf.manualActions(), revalidation);
    }

    private void build() {
        Map<String, JournalEvent> starts = new HashMap<>();
        Map<String, JournalEvent> intents = new HashMap<>();
        Map<String, JournalEvent> undoStarts = new HashMap<>();
        Map<String, JournalEvent> undoInner = new HashMap<>();
        for (JournalEvent e : events) {
            String key = e.section() + "/" + e.step();
            switch (e.event()) {
                case "step.started" -> starts.put(key, e);
                case "step.intent" -> intents.put(key, e);
                case "undo.started" -> undoStarts.put(e.step(), e);
                case "undo.succeeded", "undo.failed" -> undoEnded(e, undoStarts.remove(e.step()),
                        undoInner.remove(e.step()));
                default -> {
                    if (isOutcome(e.event())) {
                        JournalEvent start = starts.remove(key);
                        if ("undo".equals(e.section()) && undoStarts.containsKey(e.step())) {
                            undoInner.put(e.step(), e);
                            if (start != null) {
                                spans.add(span(e, start, e.event().equals("step.failed") ? "undo failed" : "undone"));
                            }
                        } else {
                            stepEnded(e, start, intents.remove(key));
                        }
                    } else {
                        timeline.add(entry(e, outcomeOf(e), null, null, detailOf(e), e.dataString("error"),
                                Map.of(), List.of()));
                    }
                }
            }
        }
        for (JournalEvent start : starts.values()) {
            timeline.add(entry(start, "no outcome recorded", null, str(start.data().get("uses")),
                    "the step started but the journal records no outcome", null, Map.of(), List.of()));
        }
        timeline.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        spans.sort((a, b) -> Long.compare(a.startMs(), b.startMs()));
    }

    private void stepEnded(JournalEvent e, JournalEvent start, JournalEvent intent) {
        String outcome = outcomeOf(e);
        Long duration = e.data().get("duration_ms") instanceof Number n ? n.longValue()
                : start != null ? RunReport.millisBetween(start.time(), e.time()) : null;
        String uses = start != null ? str(start.data().get("uses")) : str(e.data().get("uses"));
        List<String> details = new ArrayList<>();
        if (e.event().equals("step.planned")) {
            details.add(e.dataString("summary"));
            details.add(e.dataString("undo"));
        } else {
            details.add(detailOf(e));
        }
        if (intent != null && "steps".equals(e.section())) {
            String kind = intent.dataString("undo_kind");
            details.add(kind == null || kind.equals("none") ? "no undo recorded" : "undo recorded before the change ("
                    + kind + ")");
        }
        List<String> changes = e.event().equals("step.planned") ? strings(e.data().get("changes")) : List.of();
        timeline.add(entry(e, start, outcome, duration, uses, join(details), e.dataString("error"), outputs(e),
                changes));
        if (start != null) {
            spans.add(span(e, start, outcome));
        }
    }

    private void undoEnded(JournalEvent e, JournalEvent start, JournalEvent inner) {
        boolean ok = e.event().equals("undo.succeeded");
        String uses = start == null ? null : str(start.data().get("uses"));
        String kind = start == null ? null : str(start.data().get("kind"));
        Long duration = inner != null && inner.data().get("duration_ms") instanceof Number n ? n.longValue()
                : e.data().get("duration_ms") instanceof Number n2 ? n2.longValue()
                : start != null ? RunReport.millisBetween(start.time(), e.time()) : null;
        String error = e.dataString("error");
        timeline.add(entry(e, start, ok ? "undone" : "undo failed", duration, uses,
                kind == null ? "" : "undo (" + kind + ")", error, outputs(inner != null ? inner : e), List.of()));
        if (inner == null && start != null) {
            spans.add(span(e, start, ok ? "undone" : "undo failed"));
        }
    }

    private RunReport.Span span(JournalEvent end, JournalEvent start, String outcome) {
        return new RunReport.Span(end.section(), end.step(), end.attempt(), offset(start), offset(end), outcome);
    }

    private RunReport.TimelineEntry entry(JournalEvent e, String outcome, Long duration, String uses, String detail,
                                          String error, Map<String, String> outputs, List<String> changes) {
        return entry(e, null, outcome, duration, uses, detail, error, outputs, changes);
    }

    /** An entry for event {@code e}, timed from {@code start} (the step's start) when there is one. */
    private RunReport.TimelineEntry entry(JournalEvent e, JournalEvent start, String outcome, Long duration, String uses,
                                          String detail, String error, Map<String, String> outputs,
                                          List<String> changes) {
        JournalEvent at = start == null ? e : start;
        return new RunReport.TimelineEntry(e.seq(), at.time(), offset(at), e.section(), e.step(), e.event(), outcome,
                e.attempt(), duration, uses, detail == null ? "" : detail, error, outputs, changes);
    }

    private long offset(JournalEvent e) {
        return t0 == null ? 0 : RunReport.millisBetween(t0, e.time());
    }

    static boolean isOutcome(String event) {
        return switch (event) {
            case "step.succeeded", "step.unchanged", "step.failed", "step.skipped", "step.planned",
                    "step.in-doubt" -> true;
            default -> false;
        };
    }

    private static String outcomeOf(JournalEvent e) {
        Map<String, Object> d = e.data();
        return switch (e.event()) {
            case "run.started" -> "started";
            case "run.finished" -> str(d.get("status"));
            case "run.sealed" -> "sealed";
            case "step.succeeded" -> "ok";
            case "step.unchanged" -> "unchanged";
            case "step.failed" -> Boolean.TRUE.equals(d.get("will_retry")) ? "failed, retrying" : "failed";
            case "step.skipped" -> "skipped";
            case "step.planned" -> "planned";
            case "step.in-doubt" -> "in doubt";
            case "undo.skipped" -> "kept (no undo)";
            case "rollback.started" -> "rollback started";
            case "rollback.stopped" -> "rollback stopped";
            case "rollback.finished" -> Boolean.TRUE.equals(d.get("ok")) ? "rolled back" : "rollback incomplete";
            case "revalidation.finished" -> Boolean.TRUE.equals(d.get("proven")) ? "proved back"
                    : Integer.valueOf(0).equals(d.get("checked") instanceof Number n ? n.intValue() : null)
                    ? "checked nothing" : "NOT proved back";
            case "fault.injected" -> "fault injected";
            default -> e.event().startsWith("approval.") ? e.event().substring("approval.".length()) : e.event();
        };
    }

    private static String detailOf(JournalEvent e) {
        Map<String, Object> d = e.data();
        return switch (e.event()) {
            case "run.started" -> join(Arrays.asList("runbook " + d.get("runbook"), d.get("mode") == null ? null
                    : "mode " + d.get("mode"), d.get("environment") == null ? null : "environment " + d.get("environment"),
                    d.get("ticket") == null ? null : "ticket " + d.get("ticket"), "by " + e.operator()));
            case "run.finished" -> join(Arrays.asList("exit " + d.get("exit_code"), str(d.get("reason")),
                    manual(d.get("manual_actions"))));
            case "run.sealed" -> d.get("algorithm") + " signature by " + d.get("public_key_fingerprint");
            case "rollback.started" -> join(Arrays.asList(str(d.get("reason")), "undo order: "
                    + String.join(", ", strings(d.get("undo_order")))));
            case "rollback.finished" -> manual(d.get("manual_actions"));
            case "revalidation.finished" -> str(d.get("summary"));
            case "step.succeeded", "step.unchanged", "step.failed" -> str(d.get("message"));
            default -> {
                if (e.event().startsWith("approval.")) {
                    yield join(Arrays.asList(d.get("by") == null ? null : "by " + d.get("by"),
                            d.get("approver") == null ? null : "by " + d.get("approver"),
                            d.get("time") == null ? null : "at " + d.get("time"), str(d.get("reason"))));
                }
                yield join(Arrays.asList(str(d.get("reason")), str(d.get("message"))));
            }
        };
    }

    private static String manual(Object actions) {
        List<String> m = strings(actions);
        return m.isEmpty() ? null : "manual actions left: " + String.join("; ", m);
    }

    /** The outputs worth a line: non-empty, shortened, at most {@value #MAX_OUTPUTS}; secrets are already masked. */
    private static Map<String, String> outputs(JournalEvent e) {
        Map<String, String> out = new LinkedHashMap<>();
        if (e == null || !(e.data().get("outputs") instanceof Map<?, ?> m)) {
            return out;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(new java.util.TreeMap<>(m).entrySet());
        entries.sort((x, y) -> Boolean.compare(!matters(x.getKey()), !matters(y.getKey())));
        for (Map.Entry<?, ?> en : entries) {
            Object v = en.getValue();
            String k = String.valueOf(en.getKey());
            if (v == null || k.equals("duration_ms") || out.size() >= MAX_OUTPUTS) {
                continue;
            }
            String s = (v instanceof Map<?, ?> || v instanceof List<?>) ? Canonical.encode(v) : v.toString();
            s = s.strip().replaceAll("\\s*\\R\\s*", " / ");
            if (!s.isEmpty() && !s.equals("{}") && !s.equals("[]")) {
                out.put(k, s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE) + "..." : s);
            }
        }
        return out;
    }

    /** Outputs an auditor looks for first: certificate fingerprints, CA identifiers, subjects, aliases, expiry. */
    private static boolean matters(Object key) {
        String k = String.valueOf(key).toLowerCase(java.util.Locale.ROOT);
        return k.contains("fingerprint") || k.contains("sha256") || k.matches("(.*[_.])?ca([_.].*)?")
                || k.contains("subject") || k.contains("alias") || k.contains("serial") || k.contains("expir")
                || k.contains("not_after");
    }

    static String join(List<String> parts) {
        return String.join("; ", parts.stream().filter(p -> p != null && !p.isBlank() && !p.equals("null")).toList());
    }

    static List<String> strings(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
