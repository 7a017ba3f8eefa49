package dev.cutover.cli;

import dev.cutover.spi.Durations;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            out.println(String.format("%9s  %-20s  %-48s  %s", "DAYS LEFT", "NOT AFTER", "SUBJECT (CN)", "WHERE"));
            for (ExpiryReport.Row row : r.expiring()) {
                CertificateFiles.Cert c = row.cert();
                out.println(String.format("%9d  %-20s  %-48s  %s", row.daysLeft(), c.notAfter(), cut(c.cn(), 48),
                        c.where()));
            }
        }
        for (ExpiryReport.Source s : r.sources()) {
            if (s.error() != null) {
                out.println("NOT CHECKED: " + s.name() + ": " + s.error());
            }
        }
    }

    static Map<String, Object> json(ExpiryReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exit_code", r.exitCode());
        m.put("now", r.now().toString());
        m.put("window", window(r.window()));
        m.put("window_days", r.window().toDays());
        m.put("checked", r.checked());
        m.put("already_expired", r.expired());
        m.put("ignore_expired", r.ignoreExpired());
        List<Map<String, Object>> sources = new ArrayList<>();
        for (ExpiryReport.Source s : r.sources()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("kind", s.kind());
            x.put("name", s.name());
            x.put("certificates", s.certs().size());
            x.put("error", s.error());
            sources.add(x);
        }
        m.put("sources", sources);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ExpiryReport.Row row : r.expiring()) {
            CertificateFiles.Cert c = row.cert();
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("where", c.where());
            x.put("alias", c.alias());
            x.put("subject", c.subject());
            x.put("issuer", c.issuer());
            x.put("not_after", c.notAfter().toString());
            x.put("days_left", row.daysLeft());
            x.put("expired", row.expired());
            x.put("sha256", c.sha256());
            rows.add(x);
        }
        m.put("expiring", rows);
        return m;
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

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 3) + "...";
    }
}
