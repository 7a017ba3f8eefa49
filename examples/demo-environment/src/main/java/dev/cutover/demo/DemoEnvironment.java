package dev.cutover.demo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The whole demo on one machine: an "old" and a "new" root CA, a real PostgreSQL with TLS on
 * (the RDS stand-in) serving a certificate from the old CA, and the payment service running as a
 * real process that trusts only the old CA, plus the parameter files the flagship runbook runs
 * with. {@link #close()} stops everything and deletes the directory.
 *
 * <p>Secrets (database passwords, the truststore password) are generated, never logged, and never
 * written to the parameter files: cutover reads them from {@link #secretEnv()} (also written, 0600,
 * to {@code secrets.env}); the service reads its own from its 0600 environment file.
 */
public final class DemoEnvironment implements AutoCloseable {
    public static final String OLD_CA_SUBJECT = "CN=Demo RDS Root CA RSA2048 2019,O=cutover demo";
    public static final String NEW_CA_SUBJECT = "CN=Demo RDS Root CA RSA2048 G1,O=cutover demo";
    /** Same name as the new CA, different key: a bundle that looks right but does not sign the new server cert. */
    public static final String WRONG_CA_SUBJECT = "CN=Demo RDS Root CA RSA2048 G1,OU=another region,O=cutover demo";
    public static final String TRUSTSTORE_PASSWORD_ENV = "TRUSTSTORE_PASSWORD";
    public static final String DB_ADMIN_PASSWORD_ENV = "DB_ADMIN_PASSWORD";

    private final DemoLayout layout;
    private final DemoSecrets secrets;
    private final DemoDatabase db;
    private final DemoApp app;
    private final DemoPki.Issued oldCa;
    private final DemoPki.Issued newCa;
    private Path appTruststore;
    private boolean closed;

    private DemoEnvironment(DemoLayout layout, DemoSecrets secrets, DemoDatabase db, DemoApp app,
                            DemoPki.Issued oldCa, DemoPki.Issued newCa) {
        this.layout = layout;
        this.secrets = secrets;
        this.db = db;
        this.app = app;
        this.oldCa = oldCa;
        this.newCa = newCa;
        this.appTruststore = layout.truststore();
    }

    /**
     * Creates the CAs and certificates, starts PostgreSQL and the payment service, and writes the
     * parameter files, all under {@code workDir} (which must be missing or empty).
     *
     * @throws DemoException when anything cannot be set up; whatever was started is stopped again
     */
    public static DemoEnvironment start(Path workDir) throws DemoException, InterruptedException {
        DemoLayout layout = DemoLayout.create(workDir);
        DemoSecrets secrets = DemoSecrets.generate();
        DemoDatabase db = null;
        DemoApp app = null;
        try {
            DemoPki.Issued oldCa = DemoPki.rootCa(OLD_CA_SUBJECT, Duration.ofDays(3650));
            DemoPki.Issued newCa = DemoPki.rootCa(NEW_CA_SUBJECT, Duration.ofDays(3650));
            DemoPki.Issued wrongCa = DemoPki.rootCa(WRONG_CA_SUBJECT, Duration.ofDays(3650));
            DemoPki.Issued oldServer = DemoPki.localhostServer(oldCa, "CN=localhost,OU=Demo RDS 2019,O=cutover demo");
            DemoPki.Issued newServer = DemoPki.localhostServer(newCa, "CN=localhost,OU=Demo RDS G1,O=cutover demo");
            layout.writePki(oldCa, newCa, wrongCa, oldServer, newServer);
            DemoFiles.truststore(layout.truststore(), secrets.truststorePassword().toCharArray(), oldCa.cert());
            DemoFiles.truststore(layout.incidentTruststore(), secrets.truststorePassword().toCharArray(), oldCa.cert());
            db = DemoDatabase.start(layout.pgDir(), layout.dbCertFile(), layout.dbKeyFile(),
                    secrets.dbAdminPassword(), secrets.appDbPassword());
            app = new DemoApp(layout.appDir(), freePort(), "jdbc:postgresql://localhost:" + db.port()
                    + "/payments?sslmode=verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory");
            app.writeSecrets(secrets.truststorePassword(), secrets.appDbPassword());
            app.writeLauncher(layout.truststore());
            app.start();
            DemoEnvironment env = new DemoEnvironment(layout, secrets, db, app, oldCa, newCa);
            DemoParams.write(env);
            DemoFiles.write(layout.secretsEnvFile(), secrets.exportLines(), true);
            env.awaitHealthy();
            return env;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            stopQuietly(app, db);
            DemoFiles.deleteTree(workDir);
            throw new DemoException("cannot start the demo environment: " + e.getMessage(), e);
        }
    }

    // ---- where things are -------------------------------------------------------------------

    public Path workDir() {
        return layout.root();
    }

    /** {@code environments/}: the parameter files, beside which a copy of the runbook can live. */
    public Path environmentsDir() {
        return layout.environmentsDir();
    }

    /** {@code environments/local.yaml}: scenario 1 (clean rotation) and 2 (after {@link #simulateIncident()}). */
    public Path localEnvironmentFile() {
        return layout.environmentsDir().resolve("local.yaml");
    }

    /** {@code environments/local-wrong-bundle.yaml}: scenario 3, ca_bundle is {@link #wrongCaBundle()}. */
    public Path wrongBundleEnvironmentFile() {
        return layout.environmentsDir().resolve("local-wrong-bundle.yaml");
    }

    /** The parameter values of {@code local.yaml}, for in-process runs (a fresh, mutable map). */
    public Map<String, Object> params() {
        return DemoParams.local(this);
    }

    /** The parameter values of {@code local-wrong-bundle.yaml}. */
    public Map<String, Object> wrongBundleParams() {
        Map<String, Object> p = params();
        p.put("ca_bundle", wrongCaBundle().toString());
        return p;
    }

    /** Secrets cutover needs, as environment variables: TRUSTSTORE_PASSWORD and DB_ADMIN_PASSWORD. */
    public Map<String, String> secretEnv() {
        return Map.of(TRUSTSTORE_PASSWORD_ENV, secrets.truststorePassword(), DB_ADMIN_PASSWORD_ENV, secrets.dbAdminPassword());
    }

    /** {@code secrets.env} (0600): {@code export NAME='value'} lines for {@link #secretEnv()}, to source by hand. */
    public Path secretsEnvFile() {
        return layout.secretsEnvFile();
    }

    public String dbHost() {
        return "localhost";
    }

    public int dbPort() {
        return db.port();
    }

    public String dbAdminUser() {
        return "postgres";
    }

    /** The generated superuser password; never logged. */
    public String dbAdminPassword() {
        return secrets.dbAdminPassword();
    }

    /** verify-full JDBC URL for the superuser, trusting {@link #adminCaBundle()} (old and new CA). */
    public String dbAdminJdbcUrl() {
        return db.adminUrl(layout.adminCaBundle());
    }

    /** The server's live ssl_cert_file. */
    public Path dbCertFile() {
        return layout.dbCertFile();
    }

    /** The server's live ssl_key_file. */
    public Path dbKeyFile() {
        return layout.dbKeyFile();
    }

    /** PostgreSQL's log (server output and pg_ctl). */
    public Path dbLogFile() {
        return db.logFile();
    }

    /** A server certificate for localhost issued by the new CA, for postgres.server-cert. */
    public Path newServerCertFile() {
        return layout.newServerCert();
    }

    public Path newServerKeyFile() {
        return layout.newServerKey();
    }

    /** {@code pki/old.pem}: the old CA alone. */
    public Path oldCaBundle() {
        return layout.oldCaBundle();
    }

    /** {@code pki/new.pem}: the new CA alone (the target bundle). */
    public Path newCaBundle() {
        return layout.newCaBundle();
    }

    /** {@code pki/wrong.pem}: a CA named like the new one that did not sign the new server certificate. */
    public Path wrongCaBundle() {
        return layout.wrongCaBundle();
    }

    /** {@code pki/admin-bundle.pem}: old and new CA, for the superuser connection during the change. */
    public Path adminCaBundle() {
        return layout.adminCaBundle();
    }

    public String oldCaSha256() {
        return DemoFiles.fingerprint(oldCa.cert());
    }

    public String newCaSha256() {
        return DemoFiles.fingerprint(newCa.cert());
    }

    /** {@code app/truststore.p12}: the store the environment file names (PKCS12, old CA only at start). */
    public Path truststore() {
        return layout.truststore();
    }

    /** {@code app/prod-actual.p12}: the store the service really uses after {@link #simulateIncident()}. */
    public Path incidentTruststore() {
        return layout.incidentTruststore();
    }

    /** The store the running service was started with. */
    public Path appTruststore() {
        return appTruststore;
    }

    /** The generated truststore password; never logged. */
    public String truststorePassword() {
        return secrets.truststorePassword();
    }

    public String appName() {
        return DemoApp.NAME;
    }

    /** The service's start command ({@code [sh, app/payment-service.sh]}), for process.start/restart. */
    public List<String> appCommand() {
        return app.command();
    }

    public Path appLauncher() {
        return app.launcher();
    }

    public Path appPidFile() {
        return app.pidFile();
    }

    public Path appPortFile() {
        return app.portFile();
    }

    public Path appLogFile() {
        return app.logFile();
    }

    public int appPort() {
        return app.port();
    }

    public String appHealthUrl() {
        return app.healthUrl();
    }

    // ---- what the state is, and changing it -------------------------------------------------

    /** One {@code GET /health} over a new connection. */
    public AppHealth appHealth() {
        return app.health();
    }

    /** Hashes of what a rotation changes: the DB server certificate and the truststores. */
    public StateFingerprint stateFingerprint() throws DemoException {
        try {
            byte[] pem = Files.readAllBytes(layout.dbCertFile());
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem));
            return new StateFingerprint(DemoFiles.fingerprint(c), DemoFiles.sha256(layout.truststore()),
                    DemoFiles.sha256(appTruststore));
        } catch (IOException | GeneralSecurityException e) {
            throw new DemoException("cannot fingerprint the demo state: " + e.getMessage(), e);
        }
    }

    /** Stops and starts the service with its current launcher, and waits until it answers. */
    public void restartApp() throws DemoException, InterruptedException {
        try {
            app.stop();
            app.start();
        } catch (IOException e) {
            throw new DemoException("cannot restart " + DemoApp.NAME + ": " + e.getMessage(), e);
        }
    }

    /**
     * Scenario 2, the incident: the host's start-up options are changed so the service really uses
     * {@code app/prod-actual.p12} (old CA only), while the environment file still names
     * {@code app/truststore.p12}. The service is restarted and healthy, as in production before the change.
     */
    public void simulateIncident() throws DemoException, InterruptedException {
        try {
            app.writeLauncher(layout.incidentTruststore());
            appTruststore = layout.incidentTruststore();
        } catch (IOException e) {
            throw new DemoException("cannot rewrite the launcher: " + e.getMessage(), e);
        }
        restartApp();
        awaitHealthy();
    }

    /**
     * Back to the starting state between scenarios: the old server certificate (reloaded), both
     * truststores holding only the old CA, the normal launcher, and a restarted, healthy service.
     */
    public void reset() throws DemoException, InterruptedException {
        try {
            DemoFiles.write(layout.dbKeyFile(), Files.readAllBytes(layout.oldServerKey()), true);
            DemoFiles.write(layout.dbCertFile(), Files.readAllBytes(layout.oldServerCert()), false);
            db.reload(secrets.dbAdminPassword(), layout.adminCaBundle());
            DemoFiles.truststore(layout.truststore(), secrets.truststorePassword().toCharArray(), oldCa.cert());
            DemoFiles.truststore(layout.incidentTruststore(), secrets.truststorePassword().toCharArray(), oldCa.cert());
            app.writeLauncher(layout.truststore());
            appTruststore = layout.truststore();
        } catch (IOException | SQLException e) {
            throw new DemoException("cannot reset the demo environment: " + e.getMessage(), e);
        }
        restartApp();
        awaitHealthy();
    }

    /**
     * Registers a JVM shutdown hook that calls {@link #close()}, so Ctrl-C does not leave PostgreSQL
     * and the service running. Leave it out for {@code --keep}: both run detached and outlive the JVM.
     */
    public DemoEnvironment closeOnJvmExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                close();
            } catch (DemoException e) {
                System.err.println(e.getMessage());
            }
        }, "cutover-demo-close"));
        return this;
    }

    /** A shell command that stops a kept environment by hand (the service, then PostgreSQL). */
    public String stopCommand() {
        return "kill $(cat " + app.pidFile() + "); " + db.pgCtlCommand("-m fast stop");
    }

    /** Stops the service and PostgreSQL and deletes the work directory. Safe to call twice. */
    @Override
    public synchronized void close() throws DemoException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopQuietly(app, db);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted while stopping; PostgreSQL may still run: " + db.pgCtlCommand("stop"), e);
        }
        try {
            DemoFiles.deleteTree(layout.root());
        } catch (RuntimeException e) {
            throw new DemoException("stopped everything but cannot delete " + layout.root() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "DemoEnvironment[" + layout.root() + ", db localhost:" + db.port() + ", app " + app.healthUrl() + "]";
    }

    private void awaitHealthy() throws DemoException, InterruptedException {
        AppHealth last = app.health();
        for (int i = 0; i < 100 && !last.up(); i++) {
            Thread.sleep(100);
            last = app.health();
        }
        if (!last.up()) {
            throw new DemoException(DemoApp.NAME + " is not healthy (" + last.status() + " " + last.body() + "); see "
                    + app.logFile() + " and " + db.logFile());
        }
    }

    private static void stopQuietly(DemoApp app, DemoDatabase db) throws InterruptedException {
        try {
            if (app != null) {
                app.stop();
            }
        } catch (IOException e) {
            // keep going: the database must be stopped too
        }
        try {
            if (db != null) {
                db.stop();
            }
        } catch (IOException e) {
            // nothing more to do; the work directory is deleted next
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
