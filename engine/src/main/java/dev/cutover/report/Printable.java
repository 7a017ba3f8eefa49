package dev.cutover.report;

/**
 * Makes text from steps safe to print on a terminal or in a report: control characters (C0 other
 * than newline and tab, DEL, C1) and Unicode bidirectional overrides become visible escapes such as
 * {@code \x1B} and {@code \u202E}, so a step's output cannot move the cursor, rewrite earlier lines
 * ({@code \r}, {@code ESC[2K}, {@code ESC[1A}), change the terminal's title or reorder what a reader sees.
 */
public final class Printable {
    private Printable() {
    }

    /** The text with control characters escaped; newlines and tabs kept. Null stays null. */
    public static String text(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (unsafe(c)) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                sb.append(c < 0x100 ? String.format("\\x%02X", (int) c) : String.format("\\u%04X", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** As {@link #text}, with line breaks escaped as well: for one-line fields. */
    public static String line(String s) {
        return s == null ? null : text(s.replace("\r\n", "\n")).replace("\n", "\\n").replace("\t", "\\t");
    }

    private static boolean unsafe(char c) {
        return c < 0x20 && c != '\n' && c != '\t' || c >= 0x7F && c <= 0x9F
                || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069 || c == 0x200E || c == 0x200F
                || c == 0x061C;
    }
}
