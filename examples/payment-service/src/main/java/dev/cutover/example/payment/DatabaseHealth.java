package dev.cutover.example.payment;

import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Checks the database with a brand-new JDBC connection on every call, as a real client would after a restart. */
final class DatabaseHealth {
    private static final String TLS_QUERY = "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    private final ServiceOptions options;
    private final TrustSetup trust;
    private final org.postgresql.Driver driver = new org.postgresql.Driver();

    DatabaseHealth(ServiceOptions options, TrustSetup trust) {
        this.options = options;
        this.trust = trust;
    }

    HealthReport check() {
        long start = System.nanoTime();
        Properties props = new Properties();
        props.setProperty("user", options.dbUser());
        if (options.dbPassword() != null) {
            props.setProperty("password", options.dbPassword());
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "10");
        trust.recorder().takeLastServerCertificate();
        try (Connection c = driver.connect(options.dbUrl(), props)) {
            if (c == null) {
                return down("the driver does not accept URL " + options.dbUrl(), start);
            }
            String tls;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TLS_QUERY)) {
                tls = rs.next() ? rs.getString(1) : null;
            }
            X509Certificate server = trust.recorder().takeLastServerCertificate();
            if (tls == null) {
                return down("connected without TLS; use sslmode=verify-full", start);
            }
            return new HealthReport(true, tls, issuer(server), subject(server), trust.describe(), null, ms(start));
        } catch (SQLException e) {
            return down(cause(e), start);
        }
    }

    private HealthReport down(String error, long start) {
        X509Certificate server = trust.recorder().takeLastServerCertificate();
        return new HealthReport(false, null, issuer(server), subject(server), trust.describe(), error, ms(start));
    }

    private static String cause(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !sb.toString().contains(m)) {
                sb.append(": ").append(m);
            }
        }
        String s = sb.toString();
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    private static String issuer(X509Certificate c) {
        return c == null ? null : c.getIssuerX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253);
    }

    private static String subject(X509Certificate c) {
        return c == null ? null : c.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253);
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
