package dev.cutover.spi;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An argv list written as one POSIX shell command line that can be pasted into a terminal and runs the
 * same argv: words with nothing special stay bare, anything else is single-quoted.
 *
 * @since 0.3
 */
public final class ShellWords {
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
    /** Nothing a shell expands inside double quotes ($, `, \, ", and ! for interactive history). */
    private static final Pattern DOUBLE_SAFE = Pattern.compile("[^$`\\\\\"!]*");

    private ShellWords() {
    }

    /** One word, quoted when the shell would otherwise split or expand it; never null. */
    public static String quote(String word) {
        if (word == null || word.isEmpty()) {
            return "''";
        }
        if (BARE.matcher(word).matches()) {
            return word;
        }
        if (word.indexOf('\'') >= 0 && DOUBLE_SAFE.matcher(word).matches()) {
            return '"' + word + '"'; // easier to read than '\'' and the same to the shell
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The argv as one command line. */
    public static String join(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(quote(a));
        }
        return sb.toString();
    }
}
