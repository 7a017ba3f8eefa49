package dev.cutover.spi;

/**
 * A step type that reads and reports without changing anything. Checks run in {@code preflight} and
 * {@code validate}, in {@code cutover plan}, in drift and rehearsal fact gathering, and as the polls of
 * {@code wait.until}.
 *
 * @since 0.2
 */
public interface Check extends StepType {

    /**
     * Checks and reports; returns outputs, or throws with an operator-facing message when the check fails.
     *
     * @throws StepFailedException what was wrong and, where possible, what to do
     */
    StepResult check(StepContext context) throws StepFailedException, InterruptedException;
}
