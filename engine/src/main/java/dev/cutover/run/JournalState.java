package dev.cutover.run;

import dev.cutover.journal.JournalEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A run's state rebuilt from its journal: which mutating steps completed (with their intents),
 * which one is in doubt, whether rollback had started and what it undid, and how it ended.
 */
final class JournalState {
    /** A completed (or in-doubt) mutating step and the intent journaled before it. */
    record Done(String stepId, Map<String, Object> intent) {
    }

    final Map<String, Object> header;
    final Map<String, Map<String, Object>> outputs = new LinkedHashMap<>();
    final List<Done> completed = new ArrayList<>();
    final Set<String> finishedSteps = new LinkedHashSet<>();
    final Set<String> undone = new LinkedHashSet<>();
    Done inDoubt;
    String failedStep;
    String failureReason;
    boolean rollingBack;
    boolean reachedSteps;
    String finishedStatus;
    String finishedTime;

    @SuppressWarnings("unchecked")
    JournalState(List<JournalEvent> events) {
        this.header = events.isEmpty() ? Map.of() : events.get(0).data();
        Map<String, Map<String, Object>> intents = new LinkedHashMap<>();
        for (JournalEvent e : events) {
            String step = e.step();
            String section = e.section() == null ? "" : e.section();
            if (section.equals("steps")) {
                reachedSteps = true;
            }
            switch (e.event()) {
                case "step.intent" -> {
                    if (section.equals("steps")) {
                        Object u = e.data().get("undo");
                        intents.put(step, u instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
                        inDoubt = new Done(step, intents.get(step));
                    }
                }
                case "step.succeeded", "step.unchanged" -> {
                    Object o = e.data().get("outputs");
                    outputs.put(step, o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
                    if (section.equals("steps") || section.equals("preflight")) {
                        finishedSteps.add(step);
                    }
                    if (section.equals("steps") && intents.containsKey(step)) {
                        completed.add(new Done(step, intents.get(step)));
                    }
                    if (inDoubt != null && inDoubt.stepId().equals(step)) {
                        inDoubt = null;
                    }
                }
                case "step.skipped" -> {
                    if (section.equals("steps")) {
                        finishedSteps.add(step);
                    }
                }
                case "step.failed" -> {
                    if (!Boolean.TRUE.equals(e.data().get("will_retry"))
                            && (section.equals("steps") || section.equals("validate"))) {
                        failedStep = step;
                        failureReason = section + " step '" + step + "' failed: " + e.dataString("error");
                        if (inDoubt != null && inDoubt.stepId().equals(step)) {
                            inDoubt = null;
                        }
                    }
                }
                case "fault.injected" -> failureReason = e.dataString("reason");
                case "rollback.started" -> {
                    rollingBack = true;
                    failureReason = e.dataString("reason");
                }
                case "undo.succeeded", "undo.skipped" -> undone.add(step);
                case "run.finished" -> {
                    finishedStatus = e.dataString("status");
                    finishedTime = e.time();
                }
                default -> {
                }
            }
        }
    }

    Optional<String> finished() {
        return Optional.ofNullable(finishedStatus);
    }

    /** Whether the run must roll back: it had started to, or a step or validation had failed. */
    boolean mustRollBack() {
        return rollingBack || failedStep != null || failureReason != null;
    }
}
