package dev.cutover.aws;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the {@code aws.ssm.run-command} step and the {@code ssm} fleet transport share about an SSM command
 * once it is sent: the statuses that end it, the wait for one of them (a poll interval that may grow, a
 * deadline), and a best-effort CancelCommand.
 */
final class SsmWait {
    /** The statuses a command or an invocation ends in. */
    static final Set<String> FINISHED = Set.of("Success", "Failed", "TimedOut", "Cancelled");

    private SsmWait() {
    }

    /** Reads the current state; may throw the caller's own exception. */
    @FunctionalInterface
    interface Probe<T, E extends Exception> {
        T get() throws E;
    }

    /**
     * The last state seen, and whether it was a finished one (false: the deadline came first).
     */
    record Outcome<T>(T last, boolean finished) {
    }

    /**
     * Polls until {@code finished} holds or the next poll would pass {@code until}. The interval starts at
     * {@code poll} and doubles up to {@code maxPoll} (equal values: a fixed interval).
     *
     * @throws InterruptedException when the thread is interrupted while waiting (the caller cancels)
     */
    static <T, E extends Exception> Outcome<T> until(Probe<T, E> probe, Predicate<T> finished, Duration poll,
                                                     Duration maxPoll, Instant until) throws E, InterruptedException {
        T state = probe.get();
        Duration wait = poll;
        while (!finished.test(state)) {
            if (until != null && Instant.now().plus(wait).isAfter(until)) {
                long left = Duration.between(Instant.now(), until).toMillis();
                if (left > 0) {
                    Thread.sleep(left);
                    state = probe.get();
                    if (finished.test(state)) {
                        break;
                    }
                }
                return new Outcome<>(state, false);
            }
            Thread.sleep(Math.max(1, wait.toMillis()));
            state = probe.get();
            Duration next = wait.multipliedBy(2);
            wait = next.compareTo(maxPoll) > 0 ? maxPoll : next;
        }
        return new Outcome<>(state, true);
    }

    /** Sends CancelCommand; returns null, or why it could not be sent (for a note, never thrown). */
    static String cancel(SsmClient ssm, String commandId) {
        try {
            ssm.cancelCommand(r -> r.commandId(commandId));
            return null;
        } catch (SdkException e) {
            return AwsErrors.message("ssm:CancelCommand", "command " + commandId, e);
        }
    }
}
