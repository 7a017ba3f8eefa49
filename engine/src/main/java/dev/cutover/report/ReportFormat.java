package dev.cutover.report;

import java.util.Locale;

/** The formats a run report renders to. */
public enum ReportFormat {
    /** Markdown, for tickets and wikis. */
    MD("md"),
    /** One self-contained HTML page with an SVG timeline; no external assets. */
    HTML("html"),
    /** JSON, schema {@value RunReport#SCHEMA}, for ticketing systems. */
    JSON("json");

    private final String extension;

    ReportFormat(String extension) {
        this.extension = extension;
    }

    /** The file extension, without a dot. */
    public String extension() {
        return extension;
    }

    /** Renders the report. */
    public String render(RunReport report) {
        return switch (this) {
            case MD -> ReportDocument.markdown(report);
            case HTML -> ReportDocument.html(report);
            case JSON -> ReportJson.render(report);
        };
    }

    /** Parses {@code md}, {@code markdown}, {@code html} or {@code json}. */
    public static ReportFormat parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "md", "markdown" -> MD;
            case "html" -> HTML;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("unknown format '" + s + "': use md, html or json");
        };
    }
}
