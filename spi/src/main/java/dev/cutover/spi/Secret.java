package dev.cutover.spi;

import java.util.Objects;

/**
 * A secret value. Its {@link #toString()} is always {@code ***}, so it cannot leak through string
 * concatenation or logging; call {@link #reveal()} only where the value is handed to its consumer
 * (a keystore API, a child process's environment).
 *
 * @since 0.1
 */
public final class Secret {
    public static final String MASK = "***";
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The clear value. */
    public String reveal() {
        return value;
    }

    /** The clear value as a char array, for KeyStore APIs. */
    public char[] toChars() {
        return value.toCharArray();
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
