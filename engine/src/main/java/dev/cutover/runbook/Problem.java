package dev.cutover.runbook;

/**
 * One thing wrong with a runbook or environment file: where, which step, what, and what to do.
 *
 * @param location where; never null
 * @param stepId   the step concerned, or null
 * @param message  what is wrong
 * @param hint     what to do about it; may be empty
 */
public record Problem(Location location, String stepId, String message, String hint) {

    /** Messages quote values from the file; a quoted value of megabytes helps no one. */
    static final int MAX_TEXT = 500;

    public Problem {
        hint = shorten(hint == null ? "" : hint);
        message = shorten(message);
    }

    private static String shorten(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 200) + "... ("
                + (s.length() - MAX_TEXT) + " more characters) ..." + s.substring(s.length() - 200);
    }

    /** The operator line: {@code file:line:col: [step x] message. hint}. */
    public String render() {
        StringBuilder sb = new StringBuilder(location.toString()).append(": ");
        if (stepId != null) {
            sb.append("step '").append(stepId).append("': ");
        }
        sb.append(message);
        if (!hint.isEmpty()) {
            sb.append(" -> ").append(hint);
        }
        return dev.cutover.report.Printable.text(sb.toString());
    }
}
