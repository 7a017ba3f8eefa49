package dev.cutover.spi;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the runbook duration syntax: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
 * {@code 2d}, or combinations such as {@code 1m30s}.
 *
 * @since 0.1
 */
public final class Durations {
    /**
     * The syntax of a duration as a regular expression, the one copy: the runbook JSON Schema's
     * {@code $defs/duration} pattern is {@code ^SYNTAX$} (a test holds them equal).
     */
    public static final String SYNTAX = "([0-9]+(ms|s|m|h|d))+";
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile(SYNTAX);

    private Durations() {
    }

    /** @throws IllegalArgumentException with an operator-facing message when the text is not a duration */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write it as 500ms, 30s, 5m, 1h or 2d");
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(t);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            d.toMillis();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration; write at most a few days");
        }
        return d;
    }

    /** Whether {@code text} is written as a duration (it may still be too long to {@link #parse}). */
    public static boolean hasSyntax(String text) {
        return text != null && WHOLE.matcher(text.trim()).matches();
    }

    /** Whether {@code text} parses. */
    public static boolean isValid(String text) {
        if (!hasSyntax(text)) {
            return false;
        }
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A short human form: 850ms, 12.3s, 4m05s. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
