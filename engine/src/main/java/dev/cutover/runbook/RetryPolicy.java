package dev.cutover.runbook;

import java.time.Duration;

/**
 * How often to try a step and how long to wait between tries.
 *
 * @param attempts total tries, at least 1 (default 1: no retry)
 * @param delay    wait between tries (default 0)
 */
public record RetryPolicy(int attempts, Duration delay) {
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO);

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }
}
