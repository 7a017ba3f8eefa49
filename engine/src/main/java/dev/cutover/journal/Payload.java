package dev.cutover.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data of the journal events the engine writes and reads back, one record per event type: the
 * engine writes them with {@link Journal#append(String, String, Integer, Payload)} and resume, later
 * rollback and the reports read them with each record's {@code of(JournalEvent)}, so writer and reader
 * cannot disagree on a field. The wire form ({@link #data()}) is the one journals have always had: older
 * journals read back, with absent fields as null or empty.
 */
public sealed interface Payload {

    /** The event this is the data of. */
    EventType type();

    /** The wire form: what {@code data} holds in the journal line. */
    Map<String, Object> data();

    /** {@code step.started}: one attempt of a step begins. */
    record StepStarted(String uses, Map<String, Object> inputs, boolean mutating, Long timeoutMs) implements Payload {
        @Override
        public EventType type() {
            return EventType.STEP_STARTED;
        }

        @Override
        public Map<String, Object> data() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("uses", uses);
            m.put("inputs", inputs);
            m.put("mutating", mutating);
            if (timeoutMs != null) {
                m.put("timeout_ms", timeoutMs);
            }
            return m;
        }
    }

    /**
     * {@code step.intent}: journaled before a change changes anything. The intent, inputs and undo inputs
     * are recorded exactly ({@link Verbatim}; secrets in them as references), since recovery acts on them.
     *
     * @param undo        the type's intent data (what a built-in undo needs)
     * @param undoKind    step, built-in or none
     * @param inputs      the step's resolved inputs as recorded; null in older journals
     * @param undoUses    a runbook undo's type, or null
     * @param undoInputs  a runbook undo's resolved inputs as recorded, or null
     * @param processTag  the tag of the step's processes, or null in older journals
     */
    record StepIntent(Map<String, Object> undo, String undoKind, Map<String, Object> inputs, String undoUses,
                      Map<String, Object> undoInputs, String processTag) implements Payload {
        @Override
        public EventType type() {
            return EventType.STEP_INTENT;
        }

        @Override
        public Map<String, Object> data() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("undo", new Verbatim(undo));
            m.put("undo_kind", undoKind);
            m.put("inputs", inputs == null ? null : new Verbatim(inputs));
            if (undoUses != null) {
                m.put("undo_uses", undoUses);
                m.put("undo_inputs", undoInputs == null ? null : new Verbatim(undoInputs));
            }
            m.put("process_tag", processTag);
            return m;
        }

        public static StepIntent of(JournalEvent e) {
            return new StepIntent(map(e.data().get("undo")), e.dataString("undo_kind"), mapOrNull(e.data().get("inputs")),
                    e.dataString("undo_uses"), mapOrNull(e.data().get("undo_inputs")), e.dataString("process_tag"));
        }
    }

    /** {@code step.succeeded} (changed) or {@code step.unchanged}: a step's outcome. */
    record StepSucceeded(boolean changed, Map<String, Object> outputs, long durationMs, String message, int polls)
            implements Payload {
        @Override
        public EventType type() {
            return changed ? EventType.STEP_SUCCEEDED : EventType.STEP_UNCHANGED;
        }

        @Override
        public Map<String, Object> data() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("outputs", outputs);
            m.put("duration_ms", durationMs);
            if (message != null && !message.isEmpty()) {
                m.put("message", message);
            }
            if (polls > 0) {
                m.put("polls", polls);
            }
            return m;
        }

        public static StepSucceeded of(JournalEvent e) {
            return new StepSucceeded(EventType.STEP_SUCCEEDED.is(e), map(e.data().get("outputs")),
                    number(e.data().get("duration_ms")), e.dataString("message"),
                    (int) number(e.data().get("polls")));
        }
    }

    /** {@code step.failed}: an attempt failed; {@code willRetry} says whether another follows. */
    record StepFailed(String error, Map<String, Object> outputs, Long durationMs, boolean willRetry)
            implements Payload {
        @Override
        public EventType type() {
            return EventType.STEP_FAILED;
        }

        @Override
        public Map<String, Object> data() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", error);
            if (outputs != null) {
                m.put("outputs", outputs);
            }
            if (durationMs != null) {
                m.put("duration_ms", durationMs);
            }
            m.put("will_retry", willRetry);
            return m;
        }

        public static StepFailed of(JournalEvent e) {
            return new StepFailed(e.dataString("error"), map(e.data().get("outputs")),
                    e.data().get("duration_ms") instanceof Number n ? n.longValue() : null,
                    Boolean.TRUE.equals(e.data().get("will_retry")));
        }
    }

    /** {@code step.probed}: whether a change took effect, after a failure or a crash. */
    record StepProbed(String result, String how, String after, Boolean willUndo) implements Payload {
        @Override
        public EventType type() {
            return EventType.STEP_PROBED;
        }

        @Override
        public Map<String, Object> data() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("result", result);
            m.put("how", how);
            m.put("after", after);
            if (willUndo != null) {
                m.put("will_undo", willUndo);
            }
            return m;
        }

        public static StepProbed of(JournalEvent e) {
            return new StepProbed(e.dataString("result"), e.dataString("how"), e.dataString("after"),
                    e.data().get("will_undo") instanceof Boolean b ? b : null);
        }
    }

    /** {@code rollback.started}: why, and the order the changes will be undone in. */
    record RollbackStarted(String reason, List<String> undoOrder) implements Payload {
        @Override
        public EventType type() {
            return EventType.ROLLBACK_STARTED;
        }

        @Override
        public Map<String, Object> data() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reason", reason);
            m.put("undo_order", undoOrder);
            return m;
        }

        public static RollbackStarted of(JournalEvent e) {
            return new RollbackStarted(e.dataString("reason"), strings(e.data().get("undo_order")));
        }
    }

    /** {@code rollback.finished}: whether everything was undone, what is left, and re-validation's verdict. */
    record RollbackFinished(boolean ok, List<String> manualActions, String revalidation) implements Payload {
        @Override
        public EventType type() {
            return EventType.ROLLBACK_FINISHED;
        }

        @Override
        public Map<String, Object> data() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", ok);
            m.put("manual_actions", manualActions);
            if (revalidation != null) {
                m.put("revalidation", revalidation);
            }
            return m;
        }

        public static RollbackFinished of(JournalEvent e) {
            return new RollbackFinished(Boolean.TRUE.equals(e.data().get("ok")),
                    strings(e.data().get("manual_actions")), e.dataString("revalidation"));
        }
    }

    /** {@code revalidation.finished}: what proved (or did not prove) the system back after a rollback. */
    record RevalidationFinished(boolean proven, int checked, int factsCompared, List<String> preflightChecks,
                                List<String> healthChecks, List<String> problems, String summary) implements Payload {
        @Override
        public EventType type() {
            return EventType.REVALIDATION_FINISHED;
        }

        @Override
        public Map<String, Object> data() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("proven", proven);
            m.put("checked", checked);
            m.put("facts_compared", factsCompared);
            m.put("preflight_checks", preflightChecks);
            m.put("health_checks", healthChecks);
            m.put("problems", problems);
            m.put("summary", summary);
            return m;
        }

        public static RevalidationFinished of(JournalEvent e) {
            return new RevalidationFinished(Boolean.TRUE.equals(e.data().get("proven")),
                    (int) number(e.data().get("checked")), (int) number(e.data().get("facts_compared")),
                    strings(e.data().get("preflight_checks")), strings(e.data().get("health_checks")),
                    strings(e.data().get("problems")), e.dataString("summary"));
        }
    }

    /** {@code run.finished}: how the run ended. */
    record RunFinished(String status, int exitCode, long durationMs, String reason, List<String> manualActions,
                       String revalidation) implements Payload {
        @Override
        public EventType type() {
            return EventType.RUN_FINISHED;
        }

        @Override
        public Map<String, Object> data() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", status);
            m.put("exit_code", exitCode);
            m.put("duration_ms", durationMs);
            m.put("reason", reason);
            m.put("manual_actions", manualActions);
            if (revalidation != null && !revalidation.isEmpty()) {
                m.put("revalidation", revalidation);
            }
            return m;
        }

        public static RunFinished of(JournalEvent e) {
            return new RunFinished(e.dataString("status"), (int) number(e.data().get("exit_code")),
                    number(e.data().get("duration_ms")), e.dataString("reason"),
                    strings(e.data().get("manual_actions")), e.dataString("revalidation"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static Map<String, Object> mapOrNull(Object o) {
        return o instanceof Map<?, ?> ? map(o) : null;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0L;
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }
}
