package dev.cutover.runbook;

import dev.cutover.spi.Values;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlScript;
import org.apache.commons.jexl3.MapContext;
import org.apache.commons.jexl3.introspection.JexlPermissions;
import org.apache.commons.jexl3.introspection.JexlSandbox;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code when:} conditions, evaluated by Apache Commons JEXL in a sandbox: no method calls, no
 * object creation, no assignments or loops; only reads of {@code params}, {@code env}, {@code steps}
 * and {@code run}, comparisons and logic. Example: {@code params.mode == 'aws' && steps['x'].outputs.count > 0}.
 */
public final class Conditions {
    private static final JexlEngine JEXL = build();
    /** The longest condition accepted; real ones are a line. */
    static final int MAX_LENGTH = 4096;
    /** The deepest bracket nesting accepted (the parser recurses per level). */
    static final int MAX_DEPTH = 64;

    private Conditions() {
    }

    private static JexlEngine build() {
        JexlSandbox sandbox = new JexlSandbox(false);
        for (String c : List.of("java.util.LinkedHashMap", "java.util.HashMap", "java.util.TreeMap",
                "java.util.Collections$UnmodifiableMap", "java.util.ImmutableCollections$MapN",
                "java.util.ImmutableCollections$Map1", "java.util.ArrayList", "java.util.ImmutableCollections$ListN",
                "java.util.ImmutableCollections$List12", "java.util.Collections$UnmodifiableRandomAccessList",
                "java.lang.String", "java.lang.Long", "java.lang.Integer", "java.lang.Boolean", "java.lang.Double")) {
            sandbox.permissions(c, true, false, false);
        }
        JexlFeatures features = new JexlFeatures().sideEffect(false).sideEffectGlobal(false).loops(false)
                .newInstance(false).lambda(false).methodCall(false).structuredLiteral(true).script(false)
                .localVar(false).pragma(false).annotation(false).importPragma(false);
        return new JexlBuilder().permissions(JexlPermissions.RESTRICTED).sandbox(sandbox).features(features)
                .arithmetic(new BoundedArithmetic()).strict(true).safe(false).silent(false).cache(256).create();
    }

    /**
     * Compiles a condition.
     *
     * @return the top-level variables and their first property ({@code [params, mode]}), for load-time checks
     * @throws IllegalArgumentException with a readable message when it does not parse or uses a forbidden feature
     */
    public static Set<List<String>> compile(String expression) {
        if (expression.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("it is longer than " + MAX_LENGTH + " characters");
        }
        if (depth(expression) > MAX_DEPTH) {
            throw new IllegalArgumentException("it nests brackets more than " + MAX_DEPTH + " deep");
        }
        try {
            JexlScript s = JEXL.createScript(features(), null, expression);
            return s.getVariables();
        } catch (JexlException e) {
            throw new IllegalArgumentException(clean(e));
        } catch (StackOverflowError e) {
            throw new IllegalArgumentException("it is nested too deeply");
        }
    }

    /** The deepest bracket nesting, quotes ignored (an over-estimate is fine: it only bounds the parser's recursion). */
    private static int depth(String s) {
        int depth = 0;
        int max = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                max = Math.max(max, ++depth);
            } else if (c == ')' || c == ']' || c == '}') {
                depth = Math.max(0, depth - 1);
            }
        }
        return max;
    }

    /**
     * Evaluates a condition. Its value is a boolean, or text that is one by the {@link Values} policy (a param
     * or variable that reads {@code "true"}); other text ({@code "yes"}) is an error; anything else is false.
     */
    public static boolean evaluate(String expression, Map<String, Object> variables) {
        BoundedArithmetic.startBudget();
        try {
            Object v = JEXL.createScript(expression).execute(new MapContext(new java.util.HashMap<>(variables)));
            return v instanceof CharSequence ? Values.toBoolean(v) : Boolean.TRUE.equals(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("condition '" + expression + "' failed: " + e.getMessage(), e);
        } catch (JexlException e) {
            Throwable c = e.getCause();
            while (c != null && !(c instanceof BoundedArithmetic.TooSlow)) {
                c = c.getCause();
            }
            throw new IllegalArgumentException("condition '" + expression + "' failed: "
                    + (c != null ? c.getMessage() : clean(e)));
        } catch (BoundedArithmetic.TooSlow e) {
            throw new IllegalArgumentException("condition '" + expression + "' failed: " + e.getMessage());
        } finally {
            BoundedArithmetic.endBudget();
        }
    }

    private static JexlFeatures features() {
        return new JexlFeatures().sideEffect(false).sideEffectGlobal(false).loops(false).newInstance(false)
                .lambda(false).methodCall(false).structuredLiteral(true).script(false).localVar(false)
                .pragma(false).annotation(false).importPragma(false);
    }

    private static String clean(JexlException e) {
        String m = e.getMessage();
        if (m == null) {
            return "it cannot be evaluated";
        }
        int i = m.indexOf(' ');
        return m.startsWith("@") || m.contains("@") && i > 0 ? m.substring(i + 1) : m;
    }
}
