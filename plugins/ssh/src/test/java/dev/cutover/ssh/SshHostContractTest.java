package dev.cutover.ssh;

import dev.cutover.spi.Host;
import dev.cutover.ssh.testing.ConnectedHosts;
import dev.cutover.ssh.testing.SshdHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host contract on a real OpenSSH sshd, over one connection for all the tests. */
class SshHostContractTest extends HostContract {
    private static ConnectedHosts fleet;
    private static SshdHosts hosts;
    private static Host host;

    @BeforeAll
    static void start() throws Exception {
        fleet = ConnectedHosts.start(1);
        hosts = fleet.sshd();
        host = fleet.host(0);
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Override
    Host host() {
        return host;
    }

    @Override
    Path dir() throws IOException {
        return Files.createTempDirectory(hosts.root(0), "d");
    }
}
