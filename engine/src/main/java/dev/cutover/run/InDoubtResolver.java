package dev.cutover.run;

import dev.cutover.spi.ProbeResult;

/**
 * Decides a step that was in doubt after a crash when neither a {@code probe:} step nor its type's
 * probe can tell: asks the operator on a terminal, or applies {@code --assume done|not-done}.
 * Returns {@link ProbeResult#UNKNOWN} to refuse.
 */
public interface InDoubtResolver {
    ProbeResult decide(String stepId, String uses);

    /** Refuses every undecidable step. */
    InDoubtResolver REFUSE = (stepId, uses) -> ProbeResult.UNKNOWN;
}
