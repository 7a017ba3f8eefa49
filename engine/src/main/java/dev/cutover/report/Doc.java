package dev.cutover.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A small document (headings, paragraphs, tables, lists, code, raw HTML) that renders to Markdown
 * and to one self-contained HTML page. Text in `backticks` is code in both.
 */
final class Doc {
    private sealed interface Block permits Heading, Para, Table, Bullets, Code, Raw {
    }

    private record Heading(int level, String text, String id) implements Block {
    }

    private record Para(String text, String cssClass) implements Block {
    }

    private record Table(List<String> headers, List<List<String>> rows, String cssClass, List<String> rowClasses)
            implements Block {
    }

    private record Bullets(List<String> items) implements Block {
    }

    private record Code(String text) implements Block {
    }

    private record Raw(String html, String markdown) implements Block {
    }

    private final List<Block> blocks = new ArrayList<>();
    /** Whether text may come from steps, flags or a journal (reports), not from a runbook's author (docs). */
    private boolean untrusted;

    /** Marks the text as untrusted: its Markdown escapes HTML, links and line-start markers. */
    Doc untrusted() {
        untrusted = true;
        return this;
    }

    Doc heading(int level, String text) {
        blocks.add(new Heading(level, text, null));
        return this;
    }

    Doc heading(int level, String text, String id) {
        blocks.add(new Heading(level, text, id));
        return this;
    }

    Doc para(String text) {
        return para(text, null);
    }

    /** A paragraph; {@code cssClass} styles it in HTML only (may be null). */
    Doc para(String text, String cssClass) {
        if (text != null && !text.isBlank()) {
            blocks.add(new Para(text.strip(), cssClass));
        }
        return this;
    }

    Doc table(List<String> headers, List<List<String>> rows) {
        return table(headers, rows, null);
    }

    Doc table(List<String> headers, List<List<String>> rows, String cssClass) {
        return table(headers, rows, cssClass, List.of());
    }

    /** A table whose rows may carry a CSS class each (HTML only; null or missing for none). */
    Doc table(List<String> headers, List<List<String>> rows, String cssClass, List<String> rowClasses) {
        blocks.add(new Table(headers, rows, cssClass, rowClasses));
        return this;
    }

    Doc bullets(List<String> items) {
        if (!items.isEmpty()) {
            blocks.add(new Bullets(items));
        }
        return this;
    }

    Doc code(String text) {
        blocks.add(new Code(text));
        return this;
    }

    /** HTML inserted as is (trusted, already escaped), with the Markdown shown instead (may be empty). */
    Doc raw(String html, String markdown) {
        blocks.add(new Raw(html, markdown));
        return this;
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        for (Block b : blocks) {
            if (b instanceof Heading h) {
                sb.append("#".repeat(h.level())).append(' ').append(md(oneLine(h.text()))).append("\n\n");
            } else if (b instanceof Para p) {
                sb.append(untrusted ? mdLines(md(p.text())) : Printable.text(p.text())).append("\n\n");
            } else if (b instanceof Table t) {
                sb.append(mdRow(t.headers()));
                sb.append("|").append(" --- |".repeat(t.headers().size())).append('\n');
                t.rows().forEach(r -> sb.append(mdRow(r)));
                sb.append('\n');
            } else if (b instanceof Bullets l) {
                l.items().forEach(i -> sb.append("- ").append(md(oneLine(i))).append('\n'));
                sb.append('\n');
            } else if (b instanceof Code c) {
                sb.append("```\n").append(Printable.text(c.text().stripTrailing()).replace("```", "`\u200B``"))
                        .append("\n```\n\n");
            } else if (b instanceof Raw r && !r.markdown().isEmpty()) {
                sb.append(r.markdown()).append("\n\n");
            }
        }
        return sb.toString().stripTrailing() + "\n";
    }

    /** A complete HTML page: no external assets, {@code css} inlined. */
    String html(String title, String css) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n").append(css).append("</style>\n</head>\n<body>\n");
        for (Block b : blocks) {
            if (b instanceof Heading h) {
                sb.append("<h").append(h.level()).append(h.id() == null ? "" : " id=\"" + escape(h.id()) + "\"")
                        .append('>').append(inline(h.text())).append("</h").append(h.level()).append(">\n");
            } else if (b instanceof Para p) {
                sb.append(p.cssClass() == null ? "<p>" : "<p class=\"" + p.cssClass() + "\">").append(inline(p.text()))
                        .append("</p>\n");
            } else if (b instanceof Table t) {
                sb.append(t.cssClass() == null ? "<table>" : "<table class=\"" + t.cssClass() + "\">").append('\n');
                boolean headed = t.headers().stream().anyMatch(h -> !h.isBlank());
                if (headed) {
                    sb.append("<thead><tr>");
                    t.headers().forEach(h -> sb.append("<th>").append(inline(h)).append("</th>"));
                    sb.append("</tr></thead>\n");
                }
                sb.append("<tbody>\n");
                for (int ri = 0; ri < t.rows().size(); ri++) {
                    List<String> r = t.rows().get(ri);
                    String rc = ri < t.rowClasses().size() ? t.rowClasses().get(ri) : null;
                    sb.append(rc == null ? "<tr>" : "<tr class=\"" + escape(rc) + "\">");
                    for (int i = 0; i < r.size(); i++) {
                        String cell = i == 0 && !headed ? "th" : "td";
                        sb.append('<').append(cell).append('>').append(inline(r.get(i))).append("</").append(cell)
                                .append('>');
                    }
                    sb.append("</tr>\n");
                }
                sb.append("</tbody>\n</table>\n");
            } else if (b instanceof Bullets l) {
                sb.append("<ul>\n");
                l.items().forEach(i -> sb.append("<li>").append(inline(i)).append("</li>\n"));
                sb.append("</ul>\n");
            } else if (b instanceof Code c) {
                sb.append("<pre><code>").append(escape(c.text().stripTrailing())).append("</code></pre>\n");
            } else if (b instanceof Raw r) {
                sb.append(r.html()).append('\n');
            }
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    private String mdRow(List<String> cells) {
        StringBuilder sb = new StringBuilder("|");
        for (String c : cells) {
            sb.append(' ').append(md(oneLine(c)).replace("|", "\\|")).append(" |");
        }
        return sb.append('\n').toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Markdown for text that may come from a step, an operator's flag or a journal: outside `code`,
     * HTML ({@code <iframe>}) and link or image brackets are escaped; control characters everywhere.
     * Code spans are shown literally by Markdown renderers, so they keep their text.
     */
    private String md(String text) {
        String t = Printable.text(text == null ? "" : text);
        if (!untrusted) {
            return t;
        }
        StringBuilder sb = new StringBuilder(t.length());
        String[] parts = t.split("`", -1);
        boolean balanced = parts.length % 2 == 1;
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('`');
            }
            if (i % 2 == 1 && balanced) {
                sb.append(parts[i]);
            } else {
                sb.append(parts[i].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        .replace("[", "\\[").replace("]", "\\]"));
            }
        }
        return sb.toString();
    }

    /** A paragraph's later lines cannot start a heading, quote, list, rule or fence. */
    private static String mdLines(String text) {
        return text.replaceAll("(?m)(?<=\\n)([ \\t]*)([#>=+*_~-]|\\d+[.)]|```)", "$1\\\\$2");
    }

    /** Escapes HTML and turns `code` into {@code <code>}. */
    static String inline(String text) {
        String t = text == null ? "" : text;
        StringBuilder sb = new StringBuilder();
        String[] parts = t.split("`", -1);
        boolean balanced = parts.length % 2 == 1;
        for (int i = 0; i < parts.length; i++) {
            if (i % 2 == 1 && balanced) {
                sb.append("<code>").append(escape(parts[i])).append("</code>");
            } else {
                sb.append(i > 0 && !balanced ? "`" : "").append(escape(parts[i]));
            }
        }
        return sb.toString();
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : Printable.text(s).toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
