package dev.cutover.journal;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every kind of journal event, with the name written on the wire ({@code step.intent}). Writers and
 * readers (the engine, resume, reports, rehearsals) use these constants, so a name cannot be misspelt
 * on one side only. Journals written before an event was added still read: an unknown name is kept as
 * text by {@link JournalEvent#event()}.
 */
public enum EventType {
    RUN_STARTED("run.started"),
    RUN_RESUMED("run.resumed"),
    RUN_FINISHED("run.finished"),
    RUN_SEALED("run.sealed"),
    RESUME_REFUSED("resume.refused"),
    WINDOW_CLOSED("window.closed"),
    WINDOW_OVERRIDDEN("window.overridden"),
    LOCK_ACQUIRED("lock.acquired"),
    LOCK_TAKEN_OVER("lock.taken-over"),
    LOCK_REFUSED("lock.refused"),
    LOCK_RELEASED("lock.released"),
    STEP_STARTED("step.started"),
    STEP_INTENT("step.intent"),
    STEP_SUCCEEDED("step.succeeded"),
    STEP_UNCHANGED("step.unchanged"),
    STEP_FAILED("step.failed"),
    STEP_SKIPPED("step.skipped"),
    STEP_PLANNED("step.planned"),
    STEP_PROBED("step.probed"),
    STEP_IN_DOUBT("step.in-doubt"),
    WAIT_POLL("wait.poll"),
    APPROVAL_GRANTED("approval.granted"),
    APPROVAL_REFUSED("approval.refused"),
    APPROVAL_REJECTED("approval.rejected"),
    FAULT_INJECTED("fault.injected"),
    ROLLBACK_STARTED("rollback.started"),
    ROLLBACK_STOPPED("rollback.stopped"),
    ROLLBACK_FINISHED("rollback.finished"),
    UNDO_STARTED("undo.started"),
    UNDO_SUCCEEDED("undo.succeeded"),
    UNDO_FAILED("undo.failed"),
    UNDO_SKIPPED("undo.skipped"),
    REVALIDATION_FINISHED("revalidation.finished");

    private static final Map<String, EventType> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));
    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name written in the journal's {@code event} field. */
    public String wireName() {
        return wireName;
    }

    /** The type with this wire name; empty for names this version does not know. */
    public static Optional<EventType> of(String wireName) {
        return Optional.ofNullable(BY_NAME.get(wireName));
    }

    /** Whether {@code e} is of this type. */
    public boolean is(JournalEvent e) {
        return wireName.equals(e.event());
    }

    @Override
    public String toString() {
        return wireName;
    }
}
