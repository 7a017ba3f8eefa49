package dev.cutover.report;

import dev.cutover.journal.JournalEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The auditor's first questions, answered from the journal alone: what was changed, what was undone (and
 * what failed to be), whether re-validation proved the system back (each check the journal records in its
 * {@code revalidate} section), who approved and who ran it.
 */
final class AuditSummary {
    private AuditSummary() {
    }

    static RunReport.Summary of(List<JournalEvent> events) {
        Map<String, Boolean> mutating = new HashMap<>();
        Set<String> intents = new HashSet<>();
        List<String> changed = new ArrayList<>();
        List<String> failedChanges = new ArrayList<>();
        List<String> undone = new ArrayList<>();
        List<String> undoFailed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> revalidation = new ArrayList<>();
        boolean revalidationFailed = false;
        boolean nothingChecked = false;
        List<String> approvals = new ArrayList<>();
        boolean rollback = false;
        for (JournalEvent e : events) {
            String section = e.section() == null ? "" : e.section();
            switch (e.event()) {
                case "step.started" -> {
                    if (section.equals("steps")) {
                        mutating.put(e.step(), Boolean.TRUE.equals(e.data().get("mutating")));
                    }
                }
                case "step.intent" -> {
                    if (section.equals("steps")) {
                        intents.add(e.step());
                    }
                }
                case "rollback.started" -> rollback = true;
                case "undo.succeeded" -> undone.add(e.step());
                case "undo.failed" -> undoFailed.add(e.step() + (e.dataString("error") == null ? ""
                        : ": " + e.dataString("error")));
                case "undo.skipped" -> kept.add(e.step() + (e.dataString("reason") == null ? ""
                        : " (" + e.dataString("reason") + ")"));
                case "approval.granted" -> approvals.add(approval(e));
                case "approval.refused", "approval.denied" -> approvals.add(e.step() + ": REFUSED"
                        + (e.dataString("reason") == null ? "" : " (" + e.dataString("reason") + ")"));
                default -> {
                }
            }
            boolean outcome = TimelineBuilder.isOutcome(e.event());
            if (outcome && section.equals("steps") && (intents.contains(e.step())
                    || Boolean.TRUE.equals(mutating.get(e.step())))) {
                if (e.event().equals("step.succeeded")) {
                    changed.add(e.step());
                } else if (e.event().equals("step.failed") && !Boolean.TRUE.equals(e.data().get("will_retry"))) {
                    failedChanges.add(e.step());
                }
            }
            if (outcome && section.equals("revalidate") && !Boolean.TRUE.equals(e.data().get("will_retry"))) {
                boolean failed = e.event().equals("step.failed");
                revalidationFailed |= failed;
                revalidation.add(e.step() + ": " + (failed ? "FAILED" + (e.dataString("error") == null ? ""
                        : " (" + e.dataString("error") + ")") : e.event().substring("step.".length())));
            } else if (e.event().equals("revalidation.finished")) {
                // the engine's verdict: preflight facts compared with those before the change, health checks run
                revalidation.add(String.valueOf(e.data().getOrDefault("summary", "")));
                boolean proven = Boolean.TRUE.equals(e.data().get("proven"));
                revalidationFailed |= !proven;
                nothingChecked |= e.data().get("checked") instanceof Number n && n.intValue() == 0;
            }
        }
        String verdict = !rollback ? null : revalidation.isEmpty() || nothingChecked
                ? "checked nothing: re-validation ran no check; the system was NOT proved back"
                : revalidationFailed ? "FAILED: the system was NOT proved back" : "passed: every re-validation check "
                + "the journal records passed";
        return new RunReport.Summary(changed, failedChanges, undone, undoFailed, kept, verdict, revalidation,
                revalidationFailed, approvals);
    }

    private static String approval(JournalEvent e) {
        String who = e.dataString("approver") != null ? e.dataString("approver") : e.dataString("by");
        String key = e.dataString("key_fingerprint");
        return e.step() + ": " + (who == null ? "?" : who) + (e.dataString("time") == null ? ""
                : " at " + e.dataString("time")) + (key == null ? " (not signed)" : " (signed by " + key + ")");
    }
}
