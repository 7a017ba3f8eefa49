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

    /**
     * Requests an abort.
     *
     * @return false when refused because rollback is in progress
     */
    public boolean request() {
        if (rollingBack) {
            return false;
        }
        requested.countDown();
        return true;
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
