package dev.cutover.file;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** file.copy, file.backup and file.restore on real files, each undo checked by SHA-256. */
class CopyBackupRestoreTest {
    @TempDir
    Path dir;

    @Test
    void copyReplacesTheDestinationAndUndoRestoresIt() throws Exception {
        Path source = dir.resolve("app.conf.v2");
        Files.writeString(source, "version=2\n");
        Path dest = dir.resolve("app.conf");
        Files.writeString(dest, "version=1\n");
        String before = AtomicFiles.sha256(dest);
        StepTestKit kit = StepTestKit.of(new CopyStep()).runDirectory(dir.resolve("run").resolve(java.util.UUID.randomUUID().toString())).with("source", source)
                .with("path", dest);

        StepRecording r = kit.apply().assertSucceeded();
        assertEquals(AtomicFiles.sha256(source), AtomicFiles.sha256(dest));
        assertEquals(before, r.output("sha256_before"));

        kit.undo(r).assertSucceeded();
        assertEquals(before, AtomicFiles.sha256(dest));
    }

    @Test
    void backupThenRestorePutsTheBytesBackAndTheRestoreCanBeUndone() throws Exception {
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "good\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        String good = AtomicFiles.sha256(conf);
        StepRecording backup = StepTestKit.of(new BackupStep()).runDirectory(dir.resolve("run").resolve(java.util.UUID.randomUUID().toString())).stepId("backup")
                .with("path", conf).apply().assertSucceeded();
        Path copy = Path.of((String) backup.output("backup"));
        assertEquals(good, backup.output("sha256"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)),
                "a backup may hold secrets: owner only");

        Files.writeString(conf, "broken\n");
        String broken = AtomicFiles.sha256(conf);
        StepTestKit restore = StepTestKit.of(new RestoreStep()).runDirectory(dir.resolve("run").resolve(java.util.UUID.randomUUID().toString())).stepId("restore")
                .with("path", conf).with("backup", copy).with("sha256", backup.output("sha256"));
        StepRecording r = restore.apply().assertSucceeded();
        assertEquals(good, AtomicFiles.sha256(conf));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)),
                "the restored file keeps its mode");

        restore.undo(r).assertSucceeded();
        assertEquals(broken, AtomicFiles.sha256(conf), "undoing the restore puts back what it replaced");
    }

    @Test
    void restoreRefusesABackupWhoseHashDiffersAndTouchesNothing() throws Exception {
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "current\n");
        Path copy = dir.resolve("copy");
        Files.writeString(copy, "tampered\n");

        StepRecording r = StepTestKit.of(new RestoreStep()).runDirectory(dir.resolve("run").resolve(java.util.UUID.randomUUID().toString())).with("path", conf)
                .with("backup", copy).with("sha256", "00".repeat(32)).apply().assertFailed();

        assertTrue(r.error().contains("not the expected"), r.error());
        assertEquals("current\n", Files.readString(conf));
    }

    @Test
    void backupNeverOverwritesAnExistingFile() throws Exception {
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "x\n");
        Path taken = dir.resolve("taken");
        Files.writeString(taken, "precious\n");

        StepRecording r = StepTestKit.of(new BackupStep()).runDirectory(dir.resolve("run").resolve(java.util.UUID.randomUUID().toString())).with("path", conf)
                .with("destination", taken).apply().assertFailed();

        assertTrue(r.error().contains("already exists"), r.error());
        assertEquals("precious\n", Files.readString(taken));
    }
}
