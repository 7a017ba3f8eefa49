package dev.cutover.tls;

import dev.cutover.spi.ProbeResult;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreBackupRestoreTest {
    private static final String PASSWORD = "Backup-Pw-8";
    @TempDir
    Path dir;

    @Test
    void backupThenImportThenRestoreGivesBackTheOriginalBytesAndRestoreIsItselfUndoable() throws Exception {
        TestPki.Issued ca = TestPki.root("Backup Root", TestPki.rsa());
        Path store = TestStores.trusted(dir.resolve("trust.p12"), "PKCS12", PASSWORD, Map.of("backup root", ca.cert()));
        byte[] original = Files.readAllBytes(store);

        StepTestKit backupKit = StepTestKit.of(new StoreBackupStep()).runDirectory(dir.resolve("run1")).stepId("backup")
                .with("store", store);
        StepRecording backup = backupKit.apply().assertSucceeded();
        Path copy = Path.of(backup.output("backup").toString());
        assertTrue(copy.startsWith(dir.resolve("run1").resolve("backups").resolve("backup")), copy.toString());
        assertArrayEquals(original, Files.readAllBytes(copy));
        assertEquals(dev.cutover.spi.AtomicFiles.sha256(original), backup.output("sha256"));
        assertEquals(ProbeResult.DONE, backupKit.probe(backup));

        StepTestKit.of(new StoreImportStep()).runDirectory(dir.resolve("run2")).with("store", store)
                .secret("password", PASSWORD).with("bundle", TestPki.rdsBundle()).apply().assertSucceeded();
        byte[] imported = Files.readAllBytes(store);

        StepTestKit restoreKit = StepTestKit.of(new StoreRestoreStep()).runDirectory(dir.resolve("run3")).with("store", store)
                .with("backup", copy).with("sha256", backup.output("sha256"));
        assertTrue(restoreKit.plan().summary().startsWith("would restore"), restoreKit.plan().summary());
        StepRecording restored = restoreKit.apply().assertSucceeded();
        assertArrayEquals(original, Files.readAllBytes(store));
        assertEquals(ProbeResult.DONE, restoreKit.probe(restored));
        assertEquals(1, TestStores.keytoolList(store, "PKCS12", PASSWORD).count());

        restoreKit.undo(restored).assertSucceeded();
        assertArrayEquals(imported, Files.readAllBytes(store));
        assertEquals(ProbeResult.NOT_DONE, restoreKit.probe(restored));
    }

    @Test
    void restoreRefusesABackupWhoseHashDiffers() throws Exception {
        TestPki.Issued ca = TestPki.root("Backup Root", TestPki.rsa());
        Path store = TestStores.trusted(dir.resolve("trust.jks"), "JKS", PASSWORD, Map.of("backup root", ca.cert()));
        byte[] original = Files.readAllBytes(store);
        Path other = Files.writeString(dir.resolve("other.jks"), "not the backup");

        StepRecording r = StepTestKit.of(new StoreRestoreStep()).runDirectory(dir.resolve("run")).with("store", store)
                .with("backup", other).with("sha256", dev.cutover.spi.AtomicFiles.sha256(original)).apply().assertFailed();

        assertTrue(r.error().contains("not the expected " + dev.cutover.spi.AtomicFiles.sha256(original)), r.error());
        assertArrayEquals(original, Files.readAllBytes(store));
    }

    @Test
    void backupNeverOverwritesAnExistingFile() throws Exception {
        Path store = Files.writeString(dir.resolve("a.pem"), "x");
        Path dest = Files.writeString(dir.resolve("taken.pem"), "keep me");
        StepRecording r = StepTestKit.of(new StoreBackupStep()).runDirectory(dir.resolve("run")).with("store", store)
                .with("destination", dest).apply().assertFailed();
        assertTrue(r.error().contains("already exists"), r.error());
        assertEquals("keep me", Files.readString(dest));
    }
}
