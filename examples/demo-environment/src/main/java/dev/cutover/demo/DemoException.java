package dev.cutover.demo;

/** The demo environment could not be started, reset or stopped; the message says what and where to look. */
public final class DemoException extends Exception {
    private static final long serialVersionUID = 1L;

    public DemoException(String message, Throwable cause) {
        super(message, cause);
    }

    public DemoException(String message) {
        super(message);
    }
}
