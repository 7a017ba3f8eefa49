package dev.cutover.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which certificates expire within a window, soonest first.
 *
 * @param sources       every source, read or not
 * @param now           the time the report is for
 * @param window        how far ahead to look
 * @param ignoreExpired whether already-expired certificates were left out of {@code expiring}
 * @param expiring      the certificates expiring within the window, soonest first
 */
record ExpiryReport(List<Source> sources, Instant now, Duration window, boolean ignoreExpired, List<Row> expiring) {

    /**
     * One store, bundle or RDS instance.
     *
     * @param kind  store, bundle or rds
     * @param name  the file or instance
     * @param certs what was read; empty when it could not be
     * @param error why it could not be read, or null
     */
    record Source(String kind, String name, List<CertificateFiles.Cert> certs, String error) {

        /** Reads a source, turning a failure into a source with an error. */
        static Source of(String kind, String name, Reader reader) {
            try {
                return new Source(kind, name, reader.read(), null);
            } catch (CertificateFiles.UnreadableException e) {
                return new Source(kind, name, List.of(), e.getMessage());
            }
        }
    }

    /** Reads a source's certificates. */
    interface Reader {
        List<CertificateFiles.Cert> read() throws CertificateFiles.UnreadableException;
    }

    /**
     * One listed certificate.
     *
     * @param cert     the certificate
     * @param daysLeft whole days until it expires, negative once expired (an hour past expiry is -1)
     */
    record Row(CertificateFiles.Cert cert, long daysLeft) {
        boolean expired() {
            return daysLeft < 0;
        }
    }

    static ExpiryReport of(List<Source> sources, Instant now, Duration window, boolean ignoreExpired) {
        List<Row> rows = new ArrayList<>();
        for (Source s : sources) {
            for (CertificateFiles.Cert c : s.certs()) {
                Row r = row(c, now);
                boolean soon = !c.notAfter().isAfter(now.plus(window));
                if (soon && !(ignoreExpired && r.expired())) {
                    rows.add(r);
                }
            }
        }
        rows.sort(java.util.Comparator.comparing(r -> r.cert().notAfter()));
        return new ExpiryReport(List.copyOf(sources), now, window, ignoreExpired, List.copyOf(rows));
    }

    static Row row(CertificateFiles.Cert c, Instant now) {
        return new Row(c, Math.floorDiv(Duration.between(now, c.notAfter()).getSeconds(), 86_400L));
    }

    int checked() {
        return sources.stream().mapToInt(s -> s.certs().size()).sum();
    }

    /** How many certificates (in every source) have already expired. */
    long expired() {
        return sources.stream().flatMap(s -> s.certs().stream()).filter(c -> c.notAfter().isBefore(now)).count();
    }

    /** 2 when a source could not be read, 1 when something expires within the window, 0 otherwise. */
    int exitCode() {
        return sources.stream().anyMatch(s -> s.error() != null) ? 2 : expiring.isEmpty() ? 0 : 1;
    }
}
