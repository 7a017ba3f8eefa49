package dev.cutover.runbook;

import dev.cutover.spi.Values;
import org.apache.commons.jexl3.JexlArithmetic;

import java.util.regex.Pattern;

/**
 * JEXL arithmetic whose regular-expression matches ({@code =~}, {@code !~}) give up after a deadline:
 * a pattern that backtracks catastrophically on a param's value fails the condition with a clear error
 * instead of hanging the run. The deadline is checked on every character the matcher reads.
 */
final class BoundedArithmetic extends JexlArithmetic {
    /** How long one condition's regular expressions may take, in all. */
    static final long BUDGET_NANOS = 1_000_000_000L;
    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    BoundedArithmetic() {
        super(true);
    }

    /** Starts the budget for one evaluation on this thread. */
    static void startBudget() {
        DEADLINE.set(System.nanoTime() + BUDGET_NANOS);
    }

    static void endBudget() {
        DEADLINE.remove();
    }

    /**
     * Text where a boolean is needed ({@code !}, {@code &&}, {@code ||}, {@code ?:}) is true or false by the one
     * policy, {@link Values}: {@code 'no'} or {@code 'off'} is an error, never silently true.
     */
    @Override
    public boolean toBoolean(Object val) {
        return val instanceof CharSequence s ? Values.toBoolean(s) : super.toBoolean(val);
    }

    @Override
    public Boolean contains(Object container, Object value) {
        if (value != null && (container instanceof Pattern || container instanceof CharSequence)) {
            Pattern p = container instanceof Pattern pattern ? pattern : Pattern.compile(container.toString());
            return p.matcher(new Bounded(value.toString(), DEADLINE.get())).matches();
        }
        return super.contains(container, value);
    }

    /** Thrown when a regular expression ran past the condition's budget. */
    static final class TooSlow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooSlow() {
            super("a regular expression in the condition took longer than 1s (it backtracks on this value); "
                    + "simplify it", null, false, false);
        }
    }

    /** Text that refuses to be read past the deadline. */
    private record Bounded(String text, Long deadline) implements CharSequence {
        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (deadline != null && System.nanoTime() > deadline) {
                throw new TooSlow();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Bounded(text.substring(start, end), deadline);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
