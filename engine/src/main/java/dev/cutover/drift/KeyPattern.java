package dev.cutover.drift;

import java.util.regex.Pattern;

/**
 * A {@code --ignore} pattern: a glob over fact keys where {@code *} matches anything (dots too) and
 * {@code ?} one character. A pattern also covers everything under the key it matches, so
 * {@code db-handshake.server_chain} ignores every member of that chain.
 */
final class KeyPattern {
    private final String text;
    private final Pattern regex;

    KeyPattern(String text) {
        this.text = text;
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '*' -> b.append(".*");
                case '?' -> b.append('.');
                default -> b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.regex = Pattern.compile(b + "(?:[.\\[].*)?", Pattern.DOTALL);
    }

    boolean matches(String key) {
        return regex.matcher(key).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
