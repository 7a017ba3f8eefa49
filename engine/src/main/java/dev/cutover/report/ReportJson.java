package dev.cutover.report;

/**
 * The JSON report, schema {@value RunReport#SCHEMA}, documented in docs/report-schema.md and
 * docs/schemas/report.schema.json: the {@link RunReport} record itself, serialised by {@link JsonOutput}.
 */
final class ReportJson {
    private ReportJson() {
    }

    static String render(RunReport r) {
        return JsonOutput.pretty(r) + "\n";
    }
}
