package dev.cutover.spi;

/**
 * One person's approval of an {@code approval} step.
 *
 * @param approver who approved; never null
 * @param time     when, ISO-8601 UTC; never null
 * @param reason   why, as they typed it; may be empty, never null
 * @since 0.2
 */
public record Approval(String approver, String time, String reason) {

    public Approval {
        reason = reason == null ? "" : reason;
    }
}
