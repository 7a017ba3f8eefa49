package dev.cutover.demo;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The payment service as the host runs it: a launcher script (the stand-in for a systemd unit),
 * an environment file holding its secrets (0600, like systemd's EnvironmentFile), a pid file and
 * a log. Started and stopped as a real, detached process.
 */
final class DemoApp {
    static final String NAME = "payment-service";
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private final Path dir;
    private final int port;
    private final String dbUrl;

    DemoApp(Path dir, int port, String dbUrl) {
        this.dir = dir;
        this.port = port;
        this.dbUrl = dbUrl;
    }

    Path launcher() {
        return dir.resolve(NAME + ".sh");
    }

    Path secretsFile() {
        return dir.resolve(NAME + ".env");
    }

    Path pidFile() {
        return dir.resolve(NAME + ".pid");
    }

    Path portFile() {
        return dir.resolve(NAME + ".port");
    }

    Path logFile() {
        return dir.resolve(NAME + ".log");
    }

    int port() {
        return port;
    }

    String healthUrl() {
        return "http://127.0.0.1:" + port + "/health";
    }

    List<String> command() {
        return List.of("sh", launcher().toString());
    }

    void writeSecrets(String truststorePassword, String dbPassword) throws IOException {
        DemoFiles.write(secretsFile(), "PAYMENT_TRUSTSTORE_PASSWORD=" + DemoFiles.shellQuote(truststorePassword) + "\n"
                + "PAYMENT_DB_PASSWORD=" + DemoFiles.shellQuote(dbPassword) + "\n", true);
    }

    /** (Re)writes the launcher so the JVM starts with {@code truststore} as javax.net.ssl.trustStore. */
    void writeLauncher(Path truststore) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "#!/bin/sh\n"
                + "# " + NAME + " start-up: the demo's stand-in for a systemd unit or an application server's\n"
                + "# server definition. The JVM reads its truststore once, at start-up: after the store changes,\n"
                + "# the service must be restarted before new database connections trust the new CA.\n"
                + "set -a\n. " + DemoFiles.shellQuote(secretsFile().toString()) + "\nset +a\n"
                + "exec " + DemoFiles.shellQuote(java)
                + " -Djavax.net.ssl.trustStore=" + DemoFiles.shellQuote(truststore.toString())
                + " -Djavax.net.ssl.trustStoreType=PKCS12"
                + " -cp " + DemoFiles.shellQuote(classpath())
                + " dev.cutover.example.payment.PaymentService"
                + " --port " + port
                + " --port-file " + DemoFiles.shellQuote(portFile().toString())
                + " --db-user payment"
                + " --db-url " + DemoFiles.shellQuote(dbUrl) + "\n";
        DemoFiles.write(launcher(), script, false);
    }

    /** Starts the service detached and waits until /health answers. */
    void start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            cmd.add(SETSID.toString());
        }
        cmd.addAll(command());
        Files.deleteIfExists(portFile());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        DemoFiles.write(pidFile(), p.pid() + "\n", false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (health().status() == 0) {
            if (!p.isAlive()) {
                throw new IOException(NAME + " exited with code " + p.exitValue() + " at start-up; see " + logFile());
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IOException(NAME + " did not answer " + healthUrl() + " within 60s; see " + logFile());
            }
            Thread.sleep(100);
        }
    }

    /** Stops the process the pid file names, with its children: SIGTERM, then SIGKILL after 10s. */
    void stop() throws IOException, InterruptedException {
        Optional<ProcessHandle> live = running();
        if (live.isPresent()) {
            List<ProcessHandle> all = new ArrayList<>(live.get().descendants().toList());
            all.add(live.get());
            all.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : all) {
                h.onExit().toCompletableFuture().completeOnTimeout(h, 5, TimeUnit.SECONDS).join();
            }
        }
        Files.deleteIfExists(pidFile());
    }

    Optional<ProcessHandle> running() throws IOException {
        if (!Files.exists(pidFile())) {
            return Optional.empty();
        }
        String text = Files.readString(pidFile()).trim();
        try {
            return ProcessHandle.of(Long.parseLong(text)).filter(ProcessHandle::isAlive);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** One GET /health over a new connection; status 0 when nothing answered. */
    AppHealth health() {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create(healthUrl()).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(20_000);
            c.setRequestProperty("Connection", "close");
            int status = c.getResponseCode();
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                return new AppHealth(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return new AppHealth(0, String.valueOf(e.getMessage()));
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /** The payment service's classes and the PostgreSQL driver: from this JVM's class path entries. */
    private static String classpath() throws IOException {
        List<String> parts = new ArrayList<>();
        for (Class<?> c : List.of(dev.cutover.example.payment.PaymentService.class, org.postgresql.Driver.class)) {
            java.security.CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                throw new IOException("cannot locate the classes of " + c.getName() + " to launch " + NAME);
            }
            try {
                String p = Path.of(source.getLocation().toURI()).toString();
                if (!parts.contains(p)) {
                    parts.add(p);
                }
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                throw new IOException("cannot locate the classes of " + c.getName() + " to launch " + NAME, e);
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
