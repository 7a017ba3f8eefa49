package dev.cutover.spi;

import java.util.Locale;
import java.util.Optional;

/**
 * The one way cutover turns a value written by a person (a runbook's {@code with:}, a param's default, an
 * environment file, {@code --set}, an environment variable, a {@code when:} condition) into a boolean or an
 * integer. The policy is YAML 1.2's:
 * <ul>
 *   <li>a boolean is {@code true} or {@code false} (any case, surrounding blanks ignored), written bare or
 *       quoted; nothing else is one: {@code yes}, {@code no}, {@code on}, {@code off}, {@code y}, {@code n},
 *       {@code 1} and {@code 0} are refused with a message that says to write true or false. (The runbook
 *       loader reads bare {@code yes}/{@code no} as text too, so a string param {@code answer: no} stays
 *       {@code "no"}: the "Norway problem" of YAML 1.1 does not happen.)</li>
 *   <li>an integer is a whole number, bare or quoted, within a {@code long}.</li>
 * </ul>
 *
 * @since 0.2
 */
public final class Values {
    private Values() {
    }

    /** {@code v} as a boolean when it is one by the policy ({@link Boolean}, or the text true/false); empty otherwise. */
    public static Optional<Boolean> parseBoolean(Object v) {
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        if (v instanceof CharSequence s) {
            String t = s.toString().trim().toLowerCase(Locale.ROOT);
            if (t.equals("true")) {
                return Optional.of(Boolean.TRUE);
            }
            if (t.equals("false")) {
                return Optional.of(Boolean.FALSE);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code v} as a boolean.
     *
     * @throws IllegalArgumentException saying what was written and to write true or false
     */
    public static boolean toBoolean(Object v) {
        return parseBoolean(v).orElseThrow(() -> new IllegalArgumentException(notBoolean(v)));
    }

    /**
     * {@code v} as an integer: a whole {@link Number} or the text of one.
     *
     * @throws IllegalArgumentException saying what was written
     */
    public static long toLong(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 0x1p53) {
            return n.longValue();
        }
        if (v instanceof CharSequence s) {
            try {
                return Long.parseLong(s.toString().trim());
            } catch (NumberFormatException e) {
                // the message below says what was written
            }
        }
        throw new IllegalArgumentException("'" + v + "' is not an integer");
    }

    /** Whether {@link #toLong(Object)} accepts {@code v}. */
    public static boolean isLong(Object v) {
        try {
            toLong(v);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String notBoolean(Object v) {
        String t = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        boolean yaml11 = switch (t) {
            case "yes", "no", "on", "off", "y", "n" -> true;
            default -> false;
        };
        return yaml11 ? "'" + v + "' is text, not a boolean (cutover reads YAML 1.2, where only true and false are); "
                + "write true or false" : "'" + v + "' is not true or false; write true or false";
    }
}
