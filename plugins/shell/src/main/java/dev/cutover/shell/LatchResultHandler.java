package dev.cutover.shell;

import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteResultHandler;

import java.util.concurrent.CountDownLatch;

/**
 * Receives a process's result and wakes the waiting step at once (Commons Exec's default handler
 * polls every 50 ms, which would add that much to every step).
 */
final class LatchResultHandler implements ExecuteResultHandler {
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile int exitValue = Integer.MIN_VALUE;
    private volatile ExecuteException exception;

    @Override
    public void onProcessComplete(int exitValue) {
        this.exitValue = exitValue;
        done.countDown();
    }

    @Override
    public void onProcessFailed(ExecuteException e) {
        this.exception = e;
        this.exitValue = e.getExitValue();
        done.countDown();
    }

    void waitFor() throws InterruptedException {
        done.await();
    }

    int getExitValue() {
        return exitValue;
    }

    ExecuteException getException() {
        return exception;
    }
}
