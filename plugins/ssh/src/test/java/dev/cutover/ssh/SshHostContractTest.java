package dev.cutover.ssh;

import dev.cutover.spi.Host;
import dev.cutover.ssh.testing.SshdHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host contract on a real OpenSSH sshd, over one connection for all the tests. */
class SshHostContractTest extends HostContract {
    private static SshdHosts hosts;
    private static SshConnector ssh;
    private static Host host;

    @BeforeAll
    static void start() throws Exception {
        hosts = SshdHosts.start(1);
        ssh = new SshConnector();
        host = ssh.connect(hosts.spec(0), (h, t, f) -> {
            throw new AssertionError("no key to accept");
        });
    }

    @AfterAll
    static void stop() {
        if (ssh != null) {
            ssh.close();
        }
        if (hosts != null) {
            hosts.close();
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
