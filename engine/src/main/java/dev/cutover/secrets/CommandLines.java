package dev.cutover.secrets;

import dev.cutover.spi.Secret;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks what looks like a credential in a recorded command line or environment, whether or not it is
 * one of this run's secrets: the value of an option or variable whose name says password, secret,
 * token, credential, API key or passphrase ({@code -Djavax.net.ssl.trustStorePassword=...},
 * {@code --password=...}, {@code --password VALUE}, {@code PGPASSWORD=...}, keytool's
 * {@code -storepass VALUE}), and the password in a URL's user-info ({@code postgres://u:pw@host}).
 * A service's argv goes to the journal, the reports, the export and drift baselines that users commit.
 */
public final class CommandLines {
    private static final String WORDS = "password|passwd|passphrase|secret|token|credential|api[-_.]?key"
            + "|storepass|keypass|srcstorepass|deststorepass|srckeypass|destkeypass";
    /** A name that says it holds a credential. */
    private static final Pattern SENSITIVE_NAME = Pattern.compile("(?i)[\\w.-]*(?:" + WORDS + ")[\\w.-]*");
    /** {@code name=value} inside a longer text (a script, a URL query, a JVM option); names start at a boundary, so one pass. */
    private static final Pattern ASSIGNMENT = Pattern.compile("(?i)((?<![\\w.-])[\\w.-]*(?:" + WORDS + ")[\\w.-]*)(\\s*[=:]\\s*)"
            + "(\"[^\"]*\"|'[^']*'|[^\\s&;,'\"]+)");
    /** {@code --password VALUE} inside a longer text. */
    private static final Pattern OPTION_SPACE = Pattern.compile("(?i)((?:^|\\s)--?[\\w.-]*(?:" + WORDS
            + ")[\\w.-]*)(\\s+)(\"[^\"]*\"|'[^']*'|[^\\s\"'-][^\\s]*)");
    /** The password in {@code scheme://user:password@host}. */
    private static final Pattern USER_INFO = Pattern.compile("(://[^/\\s:@]*:)([^/\\s@]+)(@)");

    private CommandLines() {
    }

    /** An argv with credential-like option values masked, and every registered secret too. */
    public static List<String> maskArguments(List<String> argv) {
        List<String> out = new ArrayList<>(argv.size());
        boolean nextIsValue = false;
        for (String a : argv) {
            if (nextIsValue && !a.startsWith("-")) {
                out.add(Secret.MASK);
                nextIsValue = false;
                continue;
            }
            nextIsValue = false;
            int eq = a.indexOf('=');
            if (a.startsWith("-") && eq < 0 && sensitive(a)) {
                nextIsValue = true;
                out.add(mask(a));
                continue;
            }
            if (eq > 0 && sensitive(a.substring(0, eq)) && a.substring(0, eq).matches("-{0,2}[\\w.-]+")) {
                out.add(a.substring(0, eq + 1) + Secret.MASK);
                continue;
            }
            out.add(mask(a));
        }
        return out;
    }

    /** A text (a script, a command line joined with spaces, a URL) with credential-like values masked. */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = replace(USER_INFO, text, m -> m.group(1) + Secret.MASK + m.group(3));
        out = replace(ASSIGNMENT, out, m -> m.group(1) + m.group(2) + Secret.MASK);
        out = replace(OPTION_SPACE, out, m -> m.group(1) + m.group(2) + Secret.MASK);
        return Masker.global().mask(out);
    }

    /**
     * A deep copy of a JSON-friendly value (step outputs) with credential-like values masked: strings
     * as texts, lists of strings as argv, and map entries whose key says credential as a whole.
     */
    public static Object maskValue(Object value) {
        if (value instanceof String s) {
            return mask(s);
        }
        if (value instanceof List<?> l) {
            if (l.stream().allMatch(x -> x instanceof String)) {
                return maskArguments(l.stream().map(String.class::cast).toList());
            }
            return l.stream().map(CommandLines::maskValue).toList();
        }
        if (value instanceof java.util.Map<?, ?> m) {
            return maskMap(m);
        }
        return value;
    }

    /** As {@link #maskValue} for a map. */
    public static java.util.Map<String, Object> maskMap(java.util.Map<?, ?> m) {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v instanceof String && sensitive(String.valueOf(k))
                ? Secret.MASK : maskValue(v)));
        return out;
    }

    /** Whether an option or variable name says it holds a credential. */
    public static boolean sensitive(String name) {
        String n = name.replaceFirst("^-{1,2}", "").toLowerCase(Locale.ROOT);
        if (n.startsWith("d") && name.startsWith("-D")) {
            n = n.substring(1);
        }
        return SENSITIVE_NAME.matcher(n).matches();
    }

    private static String replace(Pattern p, String text, java.util.function.Function<Matcher, String> with) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        do {
            m.appendReplacement(sb, Matcher.quoteReplacement(with.apply(m)));
        } while (m.find());
        m.appendTail(sb);
        return sb.toString();
    }
}
