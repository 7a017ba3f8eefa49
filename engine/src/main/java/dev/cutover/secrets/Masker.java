package dev.cutover.secrets;

import dev.cutover.spi.Secret;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces every known secret value with {@code ***} in text and in JSON-friendly structures.
 * One masker per run; every path to the journal, console, logs and reports goes through it.
 *
 * <p>A secret is found in every form a step is likely to print it: as is, JSON- or URL-encoded
 * (any mix of {@code \"}, {@code \\u0041}, {@code %41}, {@code %20} or {@code +} for a space, and
 * the HTML entities of {@code <>&"'}), and base64 (standard or URL-safe alphabet, at any of the
 * three byte alignments inside a longer encoded text). Where a text marks that it was cut (a
 * leading {@code [N bytes cut]}, a trailing {@code ...} or {@code …}), a piece of a secret of at
 * least {@value #MIN_EDGE} characters at the cut is masked too.
 */
public final class Masker {
    /** Secrets shorter than this are masked only where a whole string equals them. */
    static final int MIN_SUBSTRING = 3;
    /** The shortest piece of a secret masked at a cut edge. */
    static final int MIN_EDGE = 3;
    /** The shortest base64 run masked (shorter runs would mask ordinary words). */
    static final int MIN_BASE64 = 6;
    private static final Pattern CUT_START = Pattern.compile("^\\[\\d+ bytes cut\\]\uFFFD{0,3}");
    private static final Masker GLOBAL = new Masker();

    private final Set<String> values = new CopyOnWriteArraySet<>();
    /** Secrets with their patterns, longest secret first; replaced as a whole on every register. */
    private volatile List<Form> forms = List.of();

    private record Form(String secret, Pattern pattern) {
    }

    /** The process-wide masker, also used by the logging layer. */
    public static Masker global() {
        return GLOBAL;
    }

    /** Registers a secret value; values shorter than 3 characters are masked too, but only as whole strings. */
    public void register(String secret) {
        if (secret != null && !secret.isEmpty()) {
            if (values.add(secret)) {
                rebuild();
            }
            if (this != GLOBAL) {
                GLOBAL.register(secret);
            }
        }
    }

    public void register(Secret secret) {
        register(secret.reveal());
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    private synchronized void rebuild() {
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        List<Form> out = new ArrayList<>(sorted.size());
        for (String s : sorted) {
            out.add(new Form(s, s.length() < MIN_SUBSTRING ? null : SecretForms.pattern(s, MIN_BASE64)));
        }
        forms = List.copyOf(out);
    }

    /** The text with every registered secret (in every form above) replaced. Longest secrets first. */
    public String mask(String text) {
        List<Form> fs = forms;
        if (text == null || fs.isEmpty()) {
            return text;
        }
        String out = text;
        for (Form f : fs) {
            if (f.pattern() == null) {
                if (out.equals(f.secret())) {
                    return Secret.MASK;
                }
                continue;
            }
            Matcher m = f.pattern().matcher(out);
            if (m.find()) {
                out = m.replaceAll(Matcher.quoteReplacement(Secret.MASK));
            }
        }
        return maskCutEdges(out, fs);
    }

    /** Whether the value is a secret or holds one of at least {@code minLength} characters, in any form. */
    boolean holds(String value, int minLength) {
        if (value == null) {
            return false;
        }
        for (Form f : forms) {
            if (value.equals(f.secret()) && f.secret().length() >= MIN_SUBSTRING) {
                return true;
            }
            if (f.pattern() != null && f.secret().length() >= minLength && f.pattern().matcher(value).find()) {
                return true;
            }
        }
        return false;
    }

    /** Masks a piece of a secret where the text says it was cut: after a leading marker, before a trailing ellipsis. */
    private static String maskCutEdges(String text, List<Form> fs) {
        String out = text;
        Matcher start = CUT_START.matcher(out);
        if (start.find()) {
            int from = start.end();
            int longest = 0;
            for (Form f : fs) {
                String s = f.secret();
                for (int len = s.length() - 1; len >= MIN_EDGE && len > longest; len--) {
                    if (out.startsWith(s.substring(s.length() - len), from)) {
                        longest = len;
                        break;
                    }
                }
            }
            if (longest > 0) {
                out = out.substring(0, from) + Secret.MASK + out.substring(from + longest);
            }
        }
        String ellipsis = out.endsWith("...") ? "..." : out.endsWith("\u2026") ? "\u2026" : null;
        if (ellipsis != null) {
            int to = out.length() - ellipsis.length();
            int longest = 0;
            for (Form f : fs) {
                String s = f.secret();
                for (int len = s.length() - 1; len >= MIN_EDGE && len > longest; len--) {
                    if (to - len >= 0 && out.startsWith(s.substring(0, len), to - len)) {
                        longest = len;
                        break;
                    }
                }
            }
            if (longest > 0) {
                out = out.substring(0, to - longest) + Secret.MASK + ellipsis;
            }
        }
        return out;
    }

    /** A deep copy of a JSON-friendly value with secrets masked and {@link Secret}s replaced by {@code ***}. */
    public Object maskValue(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Secret) {
            return Secret.MASK;
        }
        if (value instanceof String s) {
            return mask(s);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(mask(String.valueOf(k)), maskValue(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(maskValue(v)));
            return out;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return mask(value.toString());
    }
}
