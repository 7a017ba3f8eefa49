package dev.cutover.ssh;

import dev.cutover.spi.Host;
import dev.cutover.spi.LocalHost;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host contract on this machine. */
class LocalHostContractTest extends HostContract {
    @TempDir
    Path temp;

    @Override
    Host host() {
        return LocalHost.INSTANCE;
    }

    @Override
    Path dir() throws IOException {
        return Files.createTempDirectory(temp, "d");
    }
}
