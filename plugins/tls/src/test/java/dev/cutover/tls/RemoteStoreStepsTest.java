package dev.cutover.tls;

import dev.cutover.spi.Host;
import dev.cutover.spi.ProbeResult;
import dev.cutover.ssh.testing.ConnectedHosts;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tls.store-import and tls.store-remove on a fleet host (a real OpenSSH sshd): the store is read over SFTP,
 * changed in memory and written back; the JDK's keytool reads the copy brought back; undo restores it byte for
 * byte; the store keeps its mode; a backup copy stays beside it on the FLEET.host(0).
 */
class RemoteStoreStepsTest {
    private static final String PASSWORD = "Fleet-Store-Pw-7";
    @RegisterExtension
    static final ConnectedHosts FLEET = ConnectedHosts.of(1);

    @TempDir
    Path local;

    /** The store as the host has it, copied back here and listed by keytool. */
    private TestStores.Listing keytool(Path remote, String type) throws Exception {
        Path copy = local.resolve("copy-" + System.nanoTime());
        Files.write(copy, FLEET.host(0).read(remote.toString()));
        return TestStores.keytoolList(copy, type, PASSWORD);
    }

    @Test
    void importsIntoAStoreOnTheHostAndUndoRestoresItByteForByte() throws Exception {
        TestPki.Issued old = TestPki.root("Old RDS Root", TestPki.rsa());
        Path store = TestStores.trusted(Files.createTempDirectory(FLEET.sshd().root(0), "app").resolve("truststore.p12"),
                "PKCS12", PASSWORD, Map.of("old-root", old.cert()));
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r-----"));
        byte[] original = Files.readAllBytes(store);
        TestPki.Issued fresh = TestPki.root("Demo RDS Root CA RSA2048 G1", TestPki.rsa());
        Path bundle = TestPki.writePem(local.resolve("bundle.pem"), fresh.cert());

        StepTestKit kit = StepTestKit.of(new StoreImportStep()).host(FLEET.host(0)).runDirectory(local.resolve("run"))
                .with("store", store).secret("password", PASSWORD).with("bundle", bundle);
        StepRecording r = kit.apply().assertSucceeded();
        assertEquals(List.of("demo rds root ca rsa2048 g1"), r.output("added"));
        TestStores.Listing listing = keytool(store, "PKCS12");
        assertEquals(0, listing.exitCode(), listing.output());
        assertEquals(List.of("demo rds root ca rsa2048 g1", "old-root"), listing.aliases().stream().sorted().toList());
        Host.FileInfo info = FLEET.host(0).stat(store.toString()).orElseThrow();
        assertEquals("rw-r-----", PosixFilePermissions.toString(info.permissions()));
        String beside = (String) r.intent().data().get("host_backup");
        assertArrayEquals(original, FLEET.host(0).read(beside), "the backup kept on the host");
        assertEquals(ProbeResult.DONE, kit.probe(r));

        kit.undo(r).assertSucceeded();
        assertArrayEquals(original, FLEET.host(0).read(store.toString()));
        assertEquals(List.of("old-root"), keytool(store, "PKCS12").aliases());
        assertEquals(ProbeResult.NOT_DONE, kit.probe(r));
    }

    @Test
    void removesFromAStoreOnTheHostThroughASymlinkAndUndoRestoresIt() throws Exception {
        TestPki.Issued legacy = TestPki.root("Legacy 2019 Root", TestPki.rsa());
        TestPki.Issued keep = TestPki.root("Current G1 Root", TestPki.ec());
        Path dir = Files.createTempDirectory(FLEET.sshd().root(0), "jdk");
        Path real = TestStores.trusted(dir.resolve("cacerts.jks"), "JKS", PASSWORD,
                Map.of("legacy", legacy.cert(), "current", keep.cert()));
        Path link = dir.resolve("cacerts");
        Files.createSymbolicLink(link, real.getFileName());
        byte[] original = Files.readAllBytes(real);

        StepTestKit kit = StepTestKit.of(new StoreRemoveStep()).host(FLEET.host(0)).runDirectory(local.resolve("run"))
                .with("store", link).secret("password", PASSWORD).with("subject_matches", "Legacy 2019");
        StepRecording r = kit.apply().assertSucceeded();
        assertEquals(List.of("legacy"), r.output("removed"));
        assertEquals(List.of("current"), keytool(link, "JKS").aliases());
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");

        kit.undo(r).assertSucceeded();
        assertArrayEquals(original, Files.readAllBytes(real));
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void aStoreMissingOnTheHostIsReportedWithTheHostName() throws Exception {
        Path missing = FLEET.sshd().root(0).resolve("no-such-dir/trust.p12");
        StepRecording r = StepTestKit.of(new StoreImportStep()).host(FLEET.host(0)).runDirectory(local.resolve("run"))
                .with("store", missing).secret("password", PASSWORD)
                .with("bundle", TestPki.writePem(local.resolve("b.pem"), TestPki.root("X", TestPki.rsa()).cert()))
                .apply().assertFailed();
        assertTrue(r.error().contains(missing + " does not exist"), r.error());
    }
}
