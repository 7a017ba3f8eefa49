package dev.cutover.demo;

import dev.cutover.ssh.EmbeddedSshServer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's fleet: three payment-service "hosts", each an embedded SSH server in this JVM (nothing installed)
 * with its own host key and its own directory (a copy of the app's truststore, a health file, the restarts
 * the runbook made), a client key, a known_hosts file with the three host keys, and an environment file whose
 * inventory names them. Each scenario gets fresh hosts.
 */
final class FleetScenario implements AutoCloseable {
    static final int HOSTS = 3;
    private final Path dir;
    private final List<EmbeddedSshServer> servers = new ArrayList<>();
    private final Path runbook;
    private final Path environment;

    private FleetScenario(Path dir, Path runbook, Path environment) {
        this.dir = dir;
        this.runbook = runbook;
        this.environment = environment;
    }

    /** Starts the hosts in {@code dir}, each holding a copy of {@code truststore}; host 1 unhealthy if asked. */
    static FleetScenario start(Path dir, Path truststore, boolean canaryUnhealthy) throws IOException {
        Files.createDirectories(dir);
        Path runbook = dir.resolve("fleet-trust-and-restart.yaml");
        try (InputStream in = FleetScenario.class.getResourceAsStream("runbooks/fleet-trust-and-restart.yaml")) {
            Files.copy(in, runbook);
        }
        Path key = dir.resolve("client/id_ecdsa");
        var clientKey = EmbeddedSshServer.writeClientKey(key);
        Path known = dir.resolve("client/known_hosts");
        FleetScenario f = new FleetScenario(dir, runbook, dir.resolve("fleet-environment.yaml"));
        try {
            StringBuilder knownLines = new StringBuilder();
            StringBuilder env = new StringBuilder("inventory:\n  ssh: { forks: 3, known_hosts: \"" + known
                    + "\" }\n  groups:\n    payment-service: { hosts: [payment-1, payment-2, payment-3] }\n  hosts:\n");
            for (int i = 1; i <= HOSTS; i++) {
                EmbeddedSshServer s = EmbeddedSshServer.start("payment-" + i, dir.resolve("payment-" + i + "/sshd"));
                f.servers.add(s);
                s.authorize(clientKey.getPublic());
                knownLines.append(s.knownHostsLine()).append('\n');
                Path app = Files.createDirectories(f.app(i));
                Files.copy(truststore, app.resolve("truststore.p12"));
                Files.writeString(app.resolve("health"), canaryUnhealthy && i == 1 ? "failing\n" : "ok\n");
                env.append("    payment-").append(i).append(": { address: 127.0.0.1, port: ").append(s.port())
                        .append(", user: \"").append(System.getProperty("user.name")).append("\", identity: \"")
                        .append(key).append("\", values: { truststore: \"").append(app.resolve("truststore.p12"))
                        .append("\", app_dir: \"").append(app).append("\" } }\n");
            }
            Files.writeString(known, knownLines.toString());
            Files.writeString(f.environment, env.toString());
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    Path runbook() {
        return runbook;
    }

    Path environment() {
        return environment;
    }

    /** Host {@code i}'s (1-based) application directory. */
    Path app(int i) {
        return dir.resolve("payment-" + i + "/app");
    }

    String storeSha256(int i) throws IOException {
        return DemoFiles.sha256(app(i).resolve("truststore.p12"));
    }

    List<String> restarts(int i) throws IOException {
        Path f = app(i).resolve("restarts");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    @Override
    public void close() throws IOException {
        for (EmbeddedSshServer s : servers) {
            s.close();
        }
    }
}
