package dev.cutover.spi;

/**
 * A change that can tell, from its journaled intent and the system's state, whether it took effect:
 * used after a crash ({@code cutover resume}) and after a step failed, timed out or was interrupted.
 *
 * @since 0.2
 */
public interface Probeable extends Change {

    /** Whether the change recorded by {@code intent} is in effect; {@link ProbeResult#UNKNOWN} when it cannot tell. */
    ProbeResult probe(StepContext context, Intent intent) throws InterruptedException;
}
