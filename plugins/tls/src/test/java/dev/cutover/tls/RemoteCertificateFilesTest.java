package dev.cutover.tls;

import dev.cutover.spi.Host;
import dev.cutover.ssh.testing.ConnectedHosts;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tls.expiry and tls.bundle-inspect on a fleet host (a real OpenSSH sshd): the file they inspect is the host's,
 * read through the host (its reads are recorded), not a file of the same name on cutover's machine.
 */
class RemoteCertificateFilesTest {
    @RegisterExtension
    static final ConnectedHosts FLEET = ConnectedHosts.of(1);

    @TempDir
    Path local;

    /** The fleet host, with every file it reads recorded. */
    private static final class Reads implements Host {
        final Host host;
        final List<String> read = new CopyOnWriteArrayList<>();

        Reads(Host host) {
            this.host = host;
        }

        @Override
        public String name() {
            return host.name();
        }

        @Override
        public boolean isLocal() {
            return host.isLocal();
        }

        @Override
        public Exec run(Command command) throws IOException, InterruptedException {
            return host.run(command);
        }

        @Override
        public byte[] read(String path) throws IOException {
            read.add(path);
            return host.read(path);
        }

        @Override
        public Optional<FileInfo> stat(String path) throws IOException {
            return host.stat(path);
        }

        @Override
        public void replace(String path, byte[] content, Set<PosixFilePermission> perms) throws IOException {
            host.replace(path, content, perms);
        }

        @Override
        public boolean delete(String path) throws IOException {
            return host.delete(path);
        }
    }

    @Test
    void expiryAndBundleInspectReadTheHostsFile() throws Exception {
        Path dir = Files.createTempDirectory(FLEET.sshd().root(0), "certs");
        TestPki.Issued ca = TestPki.root("Fleet Host CA", TestPki.rsa());
        TestPki.Issued soon = TestPki.server("soon.example", TestPki.rsa(), ca, List.of("soon.example"),
                Instant.now().minus(1, ChronoUnit.DAYS), Instant.now().plus(10, ChronoUnit.DAYS));
        Path bundle = TestPki.writePem(dir.resolve("server-chain.pem"), soon.cert(), ca.cert());
        Reads host = new Reads(FLEET.host(0));

        StepRecording expiry = StepTestKit.of(new ExpiryStep()).host(host).runDirectory(local.resolve("run1"))
                .with("bundle", bundle).with("days", 30).apply();
        expiry.assertFailed();
        assertTrue(expiry.error().contains("soon.example") || String.valueOf(expiry.outputs()).contains("soon.example"),
                expiry.error());
        assertTrue(host.read.contains(bundle.toString()), "read on the host: " + host.read);

        host.read.clear();
        StepRecording inspect = StepTestKit.of(new BundleInspectStep()).host(host).runDirectory(local.resolve("run2"))
                .with("bundle", bundle).apply().assertSucceeded();
        assertEquals(2, ((Number) inspect.output("count")).intValue());
        assertEquals("PEM", inspect.output("format"));
        assertEquals(List.of(bundle.toString()), host.read);

        StepRecording missing = StepTestKit.of(new BundleInspectStep()).host(host).runDirectory(local.resolve("run3"))
                .with("bundle", dir.resolve("none.pem")).apply();
        missing.assertFailed();
        assertTrue(missing.error().contains("does not exist on " + host.name()), missing.error());
    }
}
