package dev.cutover.spi;

/**
 * A step was refused by people rather than failed by the system (an approval denied): the run undoes
 * what ran before it and ends {@code REFUSED} (exit 5).
 *
 * @since 0.2
 */
public class StepRefusedException extends StepFailedException {
    private static final long serialVersionUID = 1L;

    public StepRefusedException(String message) {
        super(message);
    }
}
