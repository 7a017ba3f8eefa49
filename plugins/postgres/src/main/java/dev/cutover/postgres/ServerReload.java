package dev.cutover.postgres;

import dev.cutover.spi.StepContext;
import dev.cutover.spi.Certificates;
import dev.cutover.spi.StepFailedException;

import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** Asks PostgreSQL to reload its configuration and waits until new connections see the expected certificate. */
final class ServerReload {

    private ServerReload() {
    }

    static void reload(Connection c, StepContext context) throws StepFailedException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_reload_conf()")) {
            if (!rs.next() || !rs.getBoolean(1)) {
                throw new StepFailedException("pg_reload_conf() returned false; the server did not accept the reload signal");
            }
        } catch (SQLException e) {
            throw new StepFailedException("SELECT pg_reload_conf() failed (the user needs superuser or EXECUTE on it): "
                    + PgConnections.describe(e, context));
        }
    }

    /** Polls new TLS connections until the server presents the certificate with {@code fingerprint}. */
    static X509Certificate awaitPresented(PgConnections.Target target, String fingerprint, Duration timeout)
            throws StepFailedException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        X509Certificate last;
        do {
            last = ServerTlsPeek.presented(target.host(), target.port(), 5000);
            if (CertFiles.fingerprint(last).equals(Certificates.normalizeFingerprint(fingerprint))) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new StepFailedException("after the reload, " + target.host() + ":" + target.port()
                + " still presents " + last.getSubjectX500Principal() + " (sha256 " + CertFiles.fingerprint(last)
                + ") instead of sha256 " + fingerprint + "; PostgreSQL keeps the old certificate when it cannot load"
                + " the new one: read the server log");
    }

    static void checkServerUses(Connection c, java.nio.file.Path certFile, java.nio.file.Path keyFile,
                                StepContext context) throws StepFailedException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('ssl'), current_setting('ssl_cert_file'),"
                     + " current_setting('ssl_key_file'), current_setting('data_directory')")) {
            rs.next();
            if (!"on".equals(rs.getString(1))) {
                throw new StepFailedException("the server has ssl = " + rs.getString(1) + "; there is no certificate to rotate");
            }
            java.nio.file.Path dataDir = java.nio.file.Path.of(rs.getString(4));
            same("ssl_cert_file", dataDir.resolve(rs.getString(2)), certFile);
            same("ssl_key_file", dataDir.resolve(rs.getString(3)), keyFile);
        } catch (SQLException e) {
            throw new StepFailedException("cannot read the server's ssl settings (superuser or pg_read_all_settings needed): "
                    + PgConnections.describe(e, context));
        }
    }

    private static void same(String setting, java.nio.file.Path server, java.nio.file.Path given) throws StepFailedException {
        java.nio.file.Path a = server.toAbsolutePath().normalize();
        java.nio.file.Path b = given.toAbsolutePath().normalize();
        if (!a.equals(b)) {
            throw new StepFailedException("the server's " + setting + " is " + a + ", but this step would replace " + b
                    + "; point the step at the file the server really uses");
        }
    }
}
