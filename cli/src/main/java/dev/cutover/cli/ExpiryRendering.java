package dev.cutover.cli;

import dev.cutover.report.TextTable;
import dev.cutover.spi.Durations;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Renders an expiry report as a table, as JSON, or in the Prometheus text exposition format. */
final class ExpiryRendering {
    private ExpiryRendering() {
    }

    static void text(ExpiryReport r, PrintWriter out) {
        String window = window(r.window());
        long expired = r.expired();
        String tail = " (" + r.checked() + " certificate(s) checked in " + r.sources().size() + " source(s)"
                + (expired == 0 ? "" : ", " + expired + " already expired" + (r.ignoreExpired() ? ", left out" : ""))
                + ")";
        if (r.expiring().isEmpty()) {
            boolean partial = r.sources().stream().anyMatch(x -> x.error() != null);
            out.println("No certificate expires within " + window
                    + (partial ? " in the sources that could be read" : "") + tail + ".");
        } else {
            out.println(r.expiring().size() + " certificate(s) expire within " + window + tail + ":");
            TextTable table = TextTable.of("DAYS LEFT", "NOT AFTER", "SUBJECT (CN)", "WHERE").right(0).max(2, 48);
            for (ExpiryReport.Row row : r.expiring()) {
                CertificateFiles.Cert c = row.cert();
                table.row(row.daysLeft(), c.notAfter(), c.cn(), c.where());
            }
            table.lines().forEach(out::println);
        }
        for (ExpiryReport.Source s : r.sources()) {
            if (s.error() != null) {
                out.println("NOT CHECKED: " + s.name() + ": " + s.error());
            }
        }
    }

    /**
     * What {@code expiry --output json} prints (docs/schemas/expiry.schema.json).
     *
     * @param window         the window as given ({@code 30d})
     * @param alreadyExpired certificates already expired, listed or not
     * @param expiring       certificates expiring within the window, soonest first
     */
    record Json(int exitCode, Instant now, String window, long windowDays, int checked, long alreadyExpired,
                boolean ignoreExpired, List<SourceJson> sources, List<CertificateJson> expiring) {
    }

    /**
     * One source read.
     *
     * @param kind  store, bundle or rds
     * @param error why it could not be read; null when it was
     */
    record SourceJson(String kind, String name, int certificates, String error) {
    }

    /**
     * One certificate expiring within the window.
     *
     * @param daysLeft whole days until it expires; negative once expired
     */
    record CertificateJson(String where, String alias, String subject, String issuer, Instant notAfter,
                           long daysLeft, boolean expired, String sha256) {
    }

    static Json json(ExpiryReport r) {
        return new Json(r.exitCode(), r.now(), window(r.window()), r.window().toDays(), r.checked(), r.expired(),
                r.ignoreExpired(), r.sources().stream().map(s -> new SourceJson(s.kind(), s.name(), s.certs().size(),
                        s.error())).toList(),
                r.expiring().stream().map(row -> {
                    CertificateFiles.Cert c = row.cert();
                    return new CertificateJson(c.where(), c.alias(), c.subject(), c.issuer(), c.notAfter(),
                            row.daysLeft(), row.expired(), c.sha256());
                }).toList());
    }

    /** Every certificate's expiry as a gauge (alert rules pick the window), plus the count within this window. */
    static void prometheus(ExpiryReport r, PrintWriter out) {
        out.println("# HELP cutover_certificate_not_after_seconds When the certificate expires, in Unix seconds.");
        out.println("# TYPE cutover_certificate_not_after_seconds gauge");
        List<String> days = new ArrayList<>();
        for (ExpiryReport.Source s : r.sources()) {
            for (CertificateFiles.Cert c : s.certs()) {
                String labels = "{source=\"" + esc(s.name()) + "\",kind=\"" + s.kind() + "\",alias=\"" + esc(c.alias())
                        + "\",subject=\"" + esc(c.subject()) + "\",sha256=\"" + esc(c.sha256()) + "\"}";
                out.println("cutover_certificate_not_after_seconds" + labels + " " + c.notAfter().getEpochSecond());
                days.add("cutover_certificate_days_left" + labels + " " + ExpiryReport.row(c, r.now()).daysLeft());
            }
        }
        out.println("# HELP cutover_certificate_days_left Whole days until the certificate expires; negative once "
                + "expired.");
        out.println("# TYPE cutover_certificate_days_left gauge");
        days.forEach(out::println);
        out.println("# HELP cutover_certificates_expiring Certificates expiring within the window"
                + (r.ignoreExpired() ? " (expired ones left out)." : " (expired ones included)."));
        out.println("# TYPE cutover_certificates_expiring gauge");
        out.println("cutover_certificates_expiring{window_days=\"" + r.window().toDays() + "\"} "
                + r.expiring().size());
        out.println("# HELP cutover_certificate_source_up Whether the source could be read (1) or not (0).");
        out.println("# TYPE cutover_certificate_source_up gauge");
        for (ExpiryReport.Source s : r.sources()) {
            out.println("cutover_certificate_source_up{source=\"" + esc(s.name()) + "\",kind=\"" + s.kind() + "\"} "
                    + (s.error() == null ? 1 : 0));
        }
    }

    /** A window as the operator wrote it: whole days as {@code 30d}. */
    static String window(java.time.Duration d) {
        return d.toSeconds() % 86_400 == 0 ? d.toDays() + "d" : Durations.format(d);
    }

    /** Escapes a label value: backslash, double quote and line feed. */
    static String esc(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
