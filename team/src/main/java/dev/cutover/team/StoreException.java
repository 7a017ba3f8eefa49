package dev.cutover.team;

/** The team store cannot be used: unreachable, refused, or its schema is not one this cutover knows. */
public final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    StoreException(String message) {
        super(message);
    }

    StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
