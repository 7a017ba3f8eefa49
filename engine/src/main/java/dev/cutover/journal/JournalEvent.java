package dev.cutover.journal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of {@code journal.jsonl}.
 *
 * @param seq      1-based sequence number
 * @param time     UTC timestamp with milliseconds, ISO-8601
 * @param run      the run id
 * @param event    the event name ({@code step.intent}, {@code run.finished}, ...)
 * @param step     the step id, or null for run-level events
 * @param section  preflight, steps, validate, rollback, undo; or null
 * @param attempt  1-based attempt for step events, or null
 * @param operator who ran it
 * @param data     event data, secrets already masked; never null
 * @param prev     the previous event's hash ("0" x 64 for the first)
 * @param hash     SHA-256 of the canonical encoding of every other field
 */
public record JournalEvent(long seq, String time, String run, String event, String step, String section,
                           Integer attempt, String operator, Map<String, Object> data, String prev, String hash) {

    public static final String GENESIS = "0".repeat(64);

    public JournalEvent {
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** The fields the hash covers, in a map (nulls left out). */
    Map<String, Object> hashedFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("time", time);
        m.put("run", run);
        m.put("event", event);
        if (step != null) {
            m.put("step", step);
        }
        if (section != null) {
            m.put("section", section);
        }
        if (attempt != null) {
            m.put("attempt", attempt);
        }
        m.put("operator", operator);
        m.put("data", data);
        m.put("prev", prev);
        return m;
    }

    /** The canonical line as written to the journal, hash included. */
    public String toLine() {
        Map<String, Object> m = hashedFields();
        m.put("hash", hash);
        return Canonical.encode(m);
    }

    /** Computes the hash for these fields. */
    static String computeHash(Map<String, Object> hashedFields) {
        return Canonical.sha256(Canonical.encode(hashedFields));
    }

    /**
     * The fleet host this event is about ({@code "host"} in its data, which the events of a host's step carry),
     * or null for the run's own events ({@code run.started} records the machine cutover ran on as its host).
     */
    public String fleetHost() {
        return event.equals("run.started") ? null : dataString("host");
    }

    /** A string from data, or null. */
    public String dataString(String key) {
        Object v = data.get(key);
        return v == null ? null : v.toString();
    }

    /** The status of the last {@code run.finished} among {@code events}: {@code unfinished} without one. */
    public static String finalStatus(java.util.List<JournalEvent> events) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).event().equals("run.finished")) {
                String s = events.get(i).dataString("status");
                return s == null ? "unknown" : s;
            }
        }
        return "unfinished";
    }
}
