package dev.cutover.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The library runbooks' test bed: a copy of runbooks/ in a temporary directory and the real release
 * service of runbooks/demo-service running from it (a JVM of its own, started the way the runbooks'
 * restart steps start it), plus its environment file.
 */
final class ReleaseServiceFixture implements AutoCloseable {
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    final Path work;
    final Path runbooks;
    final Path config;
    final Path releases;
    final Path pidFile;
    final Path portFile;
    final int port;

    ReleaseServiceFixture(Path work) throws IOException {
        this.work = work;
        this.runbooks = work.resolve("runbooks");
        copyTree(Path.of("..", "runbooks"), runbooks);
        this.config = work.resolve("app.conf");
        this.releases = work.resolve("releases");
        Files.createDirectories(releases.resolve("2.4.1"));
        Files.createDirectories(releases.resolve("2.5.0"));
        this.pidFile = work.resolve("service.pid");
        this.portFile = work.resolve("service.port");
        this.port = freePort();
    }

    List<String> command() {
        return List.of(JAVA, runbooks.resolve("demo-service/ReleaseService.java").toString(), config.toString(),
                portFile.toString());
    }

    /** Starts the service as a runbook's process.restart would, and waits until it listens. */
    void start(Map<String, String> env) throws Exception {
        Files.deleteIfExists(portFile);
        ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true)
                .redirectOutput(work.resolve("service.log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        Files.writeString(pidFile, Long.toString(p.pid()));
        for (int i = 0; i < 1200 && !Files.exists(portFile); i++) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the release service died: " + Files.readString(work.resolve(
                        "service.log")));
            }
            Thread.sleep(100);
        }
        if (!Files.exists(portFile)) {
            throw new IllegalStateException("the release service did not listen within 2 minutes");
        }
    }

    /** The running service's pid, from its pid file. */
    Optional<ProcessHandle> running() throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).filter(ProcessHandle::isAlive);
    }

    /** GET /health over HTTP: status code and body. */
    String health() throws Exception {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(healthUrl("http"))).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    String healthUrl(String scheme) {
        return scheme + "://" + (scheme.equals("https") ? "localhost" : "127.0.0.1") + ":" + port + "/health";
    }

    /** The environment file's values common to the runbooks that manage this service. */
    String serviceEnvironment() {
        return "pid_file: " + pidFile + "\n"
                + "port_file: " + portFile + "\n"
                + "start_command: [" + String.join(", ", command().stream().map(s -> "\"" + s + "\"").toList()) + "]\n";
    }

    @Override
    public void close() throws IOException {
        Optional<ProcessHandle> p = running();
        if (p.isPresent()) {
            p.get().destroy();
            p.get().onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
