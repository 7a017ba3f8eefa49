package dev.cutover.run;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request to stop a run: the operator's Ctrl-C, SIGTERM, SIGHUP, or a caller such as a rehearsal.
 * Before rollback starts, it stops the current step (and, through
 * {@link dev.cutover.spi.ChildProcesses#killTagged}, every process of it) and triggers rollback; once
 * rollback has started it is refused, because a half-done rollback is worse than a finished one.
 * The first request's {@link #reason()} says what interrupted, for the journal and the console.
 */
public final class Abort {

    /** What asked for the abort. */
    public enum Reason {
        /** Ctrl-C at the terminal (SIGINT). */
        OPERATOR("SIGINT", "interrupted by the operator (Ctrl-C, SIGINT)"),
        /** SIGTERM: a service manager, {@code kill}, a shutdown. */
        TERMINATED("SIGTERM", "terminated by SIGTERM"),
        /** SIGHUP: the terminal or the SSH session closed. */
        HANGUP("SIGHUP", "the terminal hung up (SIGHUP)"),
        /** A caller of the API (a rehearsal, a test) asked. */
        REQUESTED(null, "aborted on request");

        private final String signal;
        private final String description;

        Reason(String signal, String description) {
            this.signal = signal;
            this.description = description;
        }

        /** The signal's name ({@code SIGINT}), or null when no signal was involved. */
        public String signal() {
            return signal;
        }

        /** For the journal and the console, e.g. {@code "interrupted by the operator (Ctrl-C, SIGINT)"}. */
        public String describe() {
            return description;
        }

        /** The reason for a signal named {@code INT}, {@code TERM} or {@code HUP} (with or without {@code SIG}). */
        public static Optional<Reason> ofSignal(String name) {
            String n = name.startsWith("SIG") ? name : "SIG" + name;
            for (Reason r : values()) {
                if (n.equals(r.signal)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    /** What became of a request. */
    public enum Answer {
        /** Accepted: the current step is being stopped; rollback follows. */
        STOPPING,
        /** An earlier request is already being carried out; nothing more happens. */
        ALREADY_STOPPING,
        /** Refused: rollback is in progress and must finish. */
        REFUSED
    }

    private final CountDownLatch requested = new CountDownLatch(1);
    private volatile Reason reason;
    private volatile boolean rollingBack;

    /**
     * Requests an abort on the operator's behalf ({@link Reason#OPERATOR}).
     *
     * @return false when refused because rollback is in progress
     */
    public boolean request() {
        return request(Reason.OPERATOR) != Answer.REFUSED;
    }

    /** Requests an abort; the first accepted request's reason is kept. */
    public synchronized Answer request(Reason why) {
        if (rollingBack) {
            return Answer.REFUSED;
        }
        if (reason != null) {
            return Answer.ALREADY_STOPPING;
        }
        reason = why;
        requested.countDown();
        return Answer.STOPPING;
    }

    public boolean requested() {
        return requested.getCount() == 0;
    }

    /** What interrupted the run (the first accepted request), or empty when nothing did. */
    public Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }

    /** For the journal: {@code reason().describe()}, or {@code fallback} when no abort was requested. */
    public String describe(String fallback) {
        Reason r = reason;
        return r == null ? fallback : r.describe();
    }

    synchronized void rollbackStarted() {
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
