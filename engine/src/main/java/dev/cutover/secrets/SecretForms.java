package dev.cutover.secrets;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forms a secret takes when a step prints it encoded, as one regular expression: each
 * character may appear as itself, percent-encoded (either hex case, {@code +} for a space),
 * JSON-escaped ({@code \"}, {@code \\}, {@code \/}, {@code \n}, {@code \u0041}) or as an HTML
 * entity; plus the base64 runs that only the secret's bytes determine.
 */
final class SecretForms {
    private SecretForms() {
    }

    /**
     * Longer secrets (a private key, a certificate bundle) get the whole-string forms instead of one
     * group per character: a regular expression that long overflows the stack when it is compiled.
     */
    static final int PER_CHARACTER_LIMIT = 256;

    /** The pattern for one secret; base64 runs shorter than {@code minBase64} are left out. */
    static Pattern pattern(String secret, int minBase64) {
        List<String> alternatives = new ArrayList<>();
        if (secret.length() <= PER_CHARACTER_LIMIT) {
            StringBuilder re = new StringBuilder();
            secret.codePoints().forEach(cp -> re.append(character(cp)));
            alternatives.add(re.toString());
        } else {
            for (String form : wholeForms(secret)) {
                alternatives.add(Pattern.quote(form));
            }
        }
        for (String b : base64Runs(secret.getBytes(StandardCharsets.UTF_8), minBase64)) {
            alternatives.add(Pattern.quote(b));
        }
        return Pattern.compile(String.join("|", alternatives));
    }

    /** The usual encodings of a whole secret: as is, JSON-escaped, URL-encoded (either hex case, + or %20). */
    static Set<String> wholeForms(String secret) {
        Set<String> out = new LinkedHashSet<>();
        out.add(secret);
        String json = new String(JsonStringEncoder.getInstance().quoteAsString(secret));
        out.add(json);
        out.add(json.replace("/", "\\/"));
        String plus = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        for (String u : List.of(plus, plus.replace("+", "%20"))) {
            out.add(u);
            out.add(lowerHex(u));
        }
        return out;
    }

    private static String lowerHex(String urlEncoded) {
        Matcher m = Pattern.compile("%[0-9A-F]{2}").matcher(urlEncoded);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, m.group().toLowerCase(java.util.Locale.ROOT));
        }
        return m.appendTail(sb).toString();
    }

    /** One code point in any of its textual encodings. */
    private static String character(int cp) {
        Set<String> alts = new LinkedHashSet<>();
        String literal = new String(Character.toChars(cp));
        alts.add(Pattern.quote(literal));
        StringBuilder pct = new StringBuilder();
        for (byte b : literal.getBytes(StandardCharsets.UTF_8)) {
            pct.append('%').append(hex((b >> 4) & 0xF)).append(hex(b & 0xF));
        }
        alts.add(pct.toString());
        if (cp == ' ') {
            alts.add("\\+");
        }
        StringBuilder u = new StringBuilder();
        for (char c : Character.toChars(cp)) {
            u.append("\\\\u").append(hex((c >> 12) & 0xF)).append(hex((c >> 8) & 0xF)).append(hex((c >> 4) & 0xF))
                    .append(hex(c & 0xF));
        }
        alts.add(u.toString());
        switch (cp) {
            case '"' -> {
                alts.add("\\\\\"");
                alts.add("&quot;");
            }
            case '\\' -> alts.add("\\\\\\\\");
            case '/' -> alts.add("\\\\/");
            case '\n' -> alts.add("\\\\n");
            case '\r' -> alts.add("\\\\r");
            case '\t' -> alts.add("\\\\t");
            case '\b' -> alts.add("\\\\b");
            case '\f' -> alts.add("\\\\f");
            case '<' -> alts.add("&lt;");
            case '>' -> alts.add("&gt;");
            case '&' -> alts.add("&amp;");
            case '\'' -> alts.add("&#0*39;|&#[xX]0*27;|\\\\'");
            default -> {
            }
        }
        if (cp == '"' || cp == '<' || cp == '>' || cp == '&') {
            alts.add("&#0*" + cp + ";|&#[xX]0*" + Integer.toHexString(cp) + ";");
        }
        return "(?:" + String.join("|", alts) + ")";
    }

    /** A hex digit that matches either case. */
    private static String hex(int d) {
        char c = Character.forDigit(d, 16);
        return Character.isLetter(c) ? "[" + c + Character.toUpperCase(c) + "]" : String.valueOf(c);
    }

    /**
     * The base64 characters determined by the secret alone, for the secret starting at byte 0, 1 or 2
     * of a three-byte group, in the standard and URL-safe alphabets.
     */
    static Set<String> base64Runs(byte[] secret, int min) {
        Set<String> out = new LinkedHashSet<>();
        for (int k = 0; k < 3; k++) {
            byte[] shifted = new byte[k + secret.length];
            System.arraycopy(secret, 0, shifted, k, secret.length);
            String enc = Base64.getEncoder().withoutPadding().encodeToString(shifted);
            int first = (8 * k + 5) / 6;
            int end = 8 * (k + secret.length) / 6;
            if (end - first >= min) {
                String run = enc.substring(first, end);
                out.add(run);
                out.add(run.replace('+', '-').replace('/', '_'));
            }
        }
        return out;
    }
}
