package dev.cutover.ssh;

import dev.cutover.spi.Host;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The host contract on the embedded MINA server the demo starts (nothing installed), over the SSH transport. */
class EmbeddedHostContractTest extends HostContract {
    private static Path base;
    private static EmbeddedSshServer server;
    private static SshConnector ssh;
    private static Host host;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory("cutover-embedded-");
        server = EmbeddedSshServer.start("demo-1", base.resolve("host"));
        Path key = base.resolve("client/id_ecdsa");
        server.authorize(EmbeddedSshServer.writeClientKey(key).getPublic());
        Path known = base.resolve("client/known_hosts");
        Files.writeString(known, server.knownHostsLine() + "\n");
        ssh = new SshConnector();
        host = ssh.connect(server.spec(key, known, Map.of()), (h, t, f) -> {
            throw new AssertionError("no key to accept");
        });
    }

    @AfterAll
    static void stop() throws IOException {
        if (ssh != null) {
            ssh.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    Host host() {
        return host;
    }

    @Override
    Path dir() throws IOException {
        return Files.createTempDirectory(base, "d");
    }
}
