package dev.cutover.run;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The operator's request to stop a run (Ctrl-C). Before rollback starts, it stops the current step
 * and triggers rollback; once rollback has started it is refused, because a half-done rollback is
 * worse than a finished one.
 */
public final class Abort {
    private final CountDownLatch requested = new CountDownLatch(1);
    private volatile boolean rollingBack;
    private volatile String reason = "interrupted by the operator";

    /**
     * Requests an abort by the operator (Ctrl-C).
     *
     * @return false when refused because rollback is in progress
     */
    public boolean request() {
        return request("interrupted by the operator (Ctrl-C)");
    }

    /**
     * Requests an abort, saying what asked for it ("terminated by SIGTERM").
     *
     * @return false when refused because rollback is in progress
     */
    public synchronized boolean request(String why) {
        if (rollingBack) {
            return false;
        }
        if (requested.getCount() > 0) {
            reason = why;
        }
        requested.countDown();
        return true;
    }

    /** What stopped the run, for the journal and the console ("interrupted by the operator (Ctrl-C)"). */
    public String describe() {
        return reason;
    }

    public boolean requested() {
        return requested.getCount() == 0;
    }

    void rollbackStarted() {
        rollingBack = true;
    }

    public boolean rollingBack() {
        return rollingBack;
    }

    /** Sleeps; returns false if an abort came first (only when {@code honour}). */
    boolean sleep(Duration d, boolean honour) {
        try {
            if (honour) {
                return !requested.await(d.toMillis(), TimeUnit.MILLISECONDS);
            }
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
