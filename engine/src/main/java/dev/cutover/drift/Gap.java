package dev.cutover.drift;

/**
 * A step that could not gather facts in an environment (it failed without any output).
 *
 * @param environment the environment's label
 * @param stepId      the step
 * @param message     why, as the step said it; masked
 */
public record Gap(String environment, String stepId, String message) {

    /** One line for the operator. */
    public String render() {
        return "could not gather facts in " + environment + ": step '" + stepId + "' failed: " + message;
    }
}
