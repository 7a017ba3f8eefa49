package dev.cutover.run;

import dev.cutover.journal.EventType;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.Payload;

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
    /**
     * A completed (or in-doubt) mutating step and what was journaled before it changed anything.
     *
     * @param stepId     the step
     * @param intent     its type's intent (what a built-in undo needs)
     * @param inputs     its resolved inputs as recorded (secrets as references); null in older journals
     * @param undoInputs its runbook undo's resolved inputs as recorded; null when none or in older journals
     */
    record Done(String stepId, Map<String, Object> intent, Map<String, Object> inputs, Map<String, Object> undoInputs) {
        Done(String stepId, Map<String, Object> intent) {
            this(stepId, intent, null, null);
        }
    }

    final Map<String, Object> header;
    /** The preflight checks' facts before the change, by step id. */
    final Map<String, dev.cutover.drift.StepFact> preflightFacts = new LinkedHashMap<>();
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
    /** The lock key the run held, if any. */
    String lockKey;
    /** A step whose undo had started but not ended when the run stopped, or null. */
    String undoInProgress;

    @SuppressWarnings("unchecked")
    JournalState(List<JournalEvent> events) {
        this.header = events.isEmpty() ? Map.of() : events.get(0).data();
        Map<String, Done> intents = new LinkedHashMap<>();
        for (JournalEvent e : events) {
            String step = e.step();
            String section = e.section() == null ? "" : e.section();
            if (section.equals("steps")) {
                reachedSteps = true;
            }
            EventType type = EventType.of(e.event()).orElse(null);
            if (type == null) {
                continue; // an event this version does not act on (a later version's, or a plugin's)
            }
            switch (type) {
                case STEP_INTENT -> {
                    if (section.equals("steps")) {
                        Payload.StepIntent i = Payload.StepIntent.of(e);
                        intents.put(step, new Done(step, i.undo(), i.inputs(), i.undoInputs()));
                        inDoubt = intents.get(step);
                    }
                }
                case STEP_PROBED -> {
                    // a change that failed after its intent and that its probe could not rule out is undone
                    if (inDoubt != null && inDoubt.stepId().equals(step)) {
                        inDoubt = null;
                    }
                    if (section.equals("steps") && !"NOT_DONE".equals(Payload.StepProbed.of(e).result())
                            && intents.containsKey(step)
                            && completed.stream().noneMatch(d -> d.stepId().equals(step))) {
                        completed.add(intents.get(step));
                    }
                }
                case STEP_SUCCEEDED, STEP_UNCHANGED -> {
                    outputs.put(step, Payload.StepSucceeded.of(e).outputs());
                    if (section.equals("steps") || section.equals("preflight")) {
                        finishedSteps.add(step);
                    }
                    if (section.equals("steps") && intents.containsKey(step)) {
                        completed.add(intents.get(step));
                    }
                    if (section.equals("preflight")) {
                        preflightFacts.put(step, new dev.cutover.drift.StepFact(step, dev.cutover.drift.StepFact.OK, "",
                                outputs.get(step)));
                    }
                    if (inDoubt != null && inDoubt.stepId().equals(step)) {
                        inDoubt = null;
                    }
                }
                case STEP_SKIPPED -> {
                    if (section.equals("steps")) {
                        finishedSteps.add(step);
                    }
                    if (section.equals("preflight")) {
                        preflightFacts.put(step, new dev.cutover.drift.StepFact(step, dev.cutover.drift.StepFact.SKIPPED,
                                "", Map.of()));
                    }
                }
                case STEP_FAILED -> {
                    Payload.StepFailed f = Payload.StepFailed.of(e);
                    if (!f.willRetry() && (section.equals("steps") || section.equals("validate"))) {
                        failedStep = step;
                        failureReason = section + " step '" + step + "' failed: " + f.error();
                        // a change that failed after its intent stays in doubt until its probe is journaled
                        // (step.probed); a crash in between leaves the decision to resume
                    }
                }
                case FAULT_INJECTED -> failureReason = e.dataString("reason");
                case LOCK_ACQUIRED, LOCK_TAKEN_OVER -> lockKey = e.dataString("key");
                case ROLLBACK_STARTED -> {
                    rollingBack = true;
                    failureReason = Payload.RollbackStarted.of(e).reason();
                }
                case UNDO_STARTED -> undoInProgress = step;
                case UNDO_FAILED -> undoInProgress = null;
                case UNDO_SUCCEEDED, UNDO_SKIPPED -> {
                    undone.add(step);
                    undoInProgress = null;
                }
                case RUN_FINISHED -> {
                    finishedStatus = Payload.RunFinished.of(e).status();
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
