package dev.cutover.runbook;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.nio.file.Path;

/**
 * Turns a YAML parser's complaint into an operator's sentence at the exact file:line:column: an
 * unquoted {@code ${...}} inside {@code { }} or {@code [ ]} says to quote it, a tab says tabs are not
 * allowed there, and the rest say what is wrong in plain words, never in the parser's terms.
 */
final class YamlErrors {
    private YamlErrors() {
    }

    /**
     * The problem for a syntax error.
     *
     * @param fallback where the error is when the parser gives no position of its own
     */
    static Problem of(Path file, String text, Throwable error, Location fallback) {
        MarkedYAMLException marked = marked(error);
        Mark mark = marked == null ? null : marked.getProblemMark() != null ? marked.getProblemMark()
                : marked.getContextMark();
        int line = mark == null ? fallback.line() : mark.getLine() + 1;
        int column = mark == null ? fallback.column() : mark.getColumn() + 1;
        String problem = marked == null || marked.getProblem() == null ? "" : marked.getProblem();
        String context = marked == null || marked.getContext() == null ? "" : marked.getContext();
        String lineText = line(text, line);

        int tab = tabAt(lineText, column, problem);
        if (tab > 0) {
            return new Problem(new Location(file, line, tab), null, "a tab character here: tabs are not allowed in "
                    + "YAML indentation or between a key and its value", "replace the tab with spaces");
        }
        int ref = unquotedReference(lineText, column);
        if (ref > 0 && (context.contains("flow") || problem.contains("flow") || insideFlow(lineText, ref))) {
            String reference = lineText.substring(ref - 1, Math.max(ref, lineText.indexOf('}', ref) + 1));
            return new Problem(new Location(file, line, ref), null, "an unquoted " + reference + " inside { } or [ ] "
                    + "cannot be read: YAML takes its '{' for the start of a mapping",
                    "quote it: \"" + reference + "\" (or write the mapping on several lines)");
        }
        return new Problem(new Location(file, line, column), null, "YAML syntax error: " + plain(problem, context),
                "fix the indentation or quoting at this position");
    }

    private static MarkedYAMLException marked(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof MarkedYAMLException m) {
                return m;
            }
        }
        return null;
    }

    /** The parser's problem in plain words. */
    static String plain(String problem, String context) {
        String p = problem.strip();
        if (p.startsWith("mapping values are not allowed")) {
            return "a ':' where no key can start (quote a value that contains ': ', or check the indentation)";
        }
        if (p.startsWith("could not find expected ':'")) {
            return "a line that is neither 'key: value' nor '- item' (check the indentation, or a missing ':')";
        }
        if (p.contains("but found '<block") || p.contains("expected <block end>")) {
            return "the indentation does not line up with the lines above";
        }
        if (p.startsWith("found unexpected end of stream")) {
            return "the file ends inside a quoted string";
        }
        if (p.startsWith("did not find expected ',' or ']'") || p.startsWith("expected ',' or ']'")) {
            return "a '[ ]' list is not closed, or two items lack a ',' between them";
        }
        if (p.startsWith("did not find expected ',' or '}'") || p.startsWith("expected ',' or '}'")) {
            return "a '{ }' mapping is not closed, or two entries lack a ',' between them";
        }
        if (p.startsWith("did not find expected key")) {
            return "a key was expected here (check the indentation, or an unclosed quote above)";
        }
        if (p.startsWith("did not find expected '-'")) {
            return "a list item ('- ...') was expected here, at the same indentation as the others";
        }
        if (p.startsWith("found character") && p.contains("cannot start any token")) {
            return "a value cannot start with this character; quote it";
        }
        if (p.startsWith("found unknown escape character")) {
            return "an unknown escape in a double-quoted string; use single quotes, or write \\\\ for a backslash";
        }
        String words = (p.isEmpty() ? context.strip() : p).replaceAll("<[^>]*>", "").replaceAll("\\s+", " ").strip();
        return words.isEmpty() ? "the YAML cannot be read here" : "the YAML cannot be read here (" + words + ")";
    }

    private static String line(String text, int line) {
        int start = 0;
        for (int i = 1; i < line; i++) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                return "";
            }
            start = nl + 1;
        }
        int end = text.indexOf('\n', start);
        String l = text.substring(start, end < 0 ? text.length() : end);
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }

    /** The 1-based column of the tab the parser stopped at (or the first on the line when it says tab), or 0. */
    private static int tabAt(String line, int column, String problem) {
        if (column >= 1 && column <= line.length() && line.charAt(column - 1) == '\t') {
            return column;
        }
        return problem.contains("\t") || problem.contains("TAB") ? line.indexOf('\t') + 1 : 0;
    }

    /**
     * The 1-based column of an unquoted {@code ${} at or just before the parser's position, or 0. Quoted
     * ones are skipped; the search stops at the parser's column so a later, valid one is not blamed.
     */
    private static int unquotedReference(String line, int column) {
        char quote = 0;
        int found = 0;
        int limit = Math.min(line.length(), column + 1);
        for (int i = 0; i < limit; i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && i > 0 && line.charAt(i - 1) == ' ') {
                break;
            } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '{') {
                found = i + 1;
            }
        }
        return found;
    }

    /** Whether the reference at this 1-based column sits inside an open { or [ on its line. */
    private static boolean insideFlow(String line, int column) {
        int depth = 0;
        for (int i = 0; i < column - 1; i++) {
            char c = line.charAt(i);
            if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && depth > 0) {
                depth--;
            }
        }
        return depth > 0;
    }
}
