package dev.cutover.ssh;

import dev.cutover.spi.Host;
import dev.cutover.ssh.testing.ConnectedHosts;

import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host contract on a real OpenSSH sshd, over one connection for all the tests. */
class SshHostContractTest extends HostContract {
    @RegisterExtension
    static final ConnectedHosts FLEET = ConnectedHosts.of(1);

    @Override
    Host host() {
        return FLEET.host(0);
    }

    @Override
    Path dir() throws IOException {
        return Files.createTempDirectory(FLEET.sshd().root(0), "d");
    }
}
