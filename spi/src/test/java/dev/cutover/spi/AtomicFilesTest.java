package dev.cutover.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The {@link AtomicFiles} policy, attacked the way PostgreSQL data directories and JDK trust stores are laid out. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aSymlinkedServerCrtStaysASymlinkToTheReplacedFile() throws IOException {
        Path real = Files.createDirectories(dir.resolve("certs")).resolve("server-2026.crt");
        Files.writeString(real, "old certificate");
        Path link = Files.createSymbolicLink(dir.resolve("server.crt"), Path.of("certs/server-2026.crt"));

        AtomicFiles.replace(link, "new certificate".getBytes(StandardCharsets.US_ASCII));

        assertTrue(Files.isSymbolicLink(link), "server.crt must stay a symbolic link");
        assertEquals(Path.of("certs/server-2026.crt"), Files.readSymbolicLink(link));
        assertEquals("new certificate", Files.readString(real));
        assertEquals("new certificate", Files.readString(link));
        assertEquals(List.of("server-2026.crt"), names(real.getParent()), "no temp file is left beside the target");
    }

    @Test
    void permissionsOwnerAndGroupOfTheReplacedFileArePreserved() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root may give a file to another owner");
        Path file = dir.resolve("server.key");
        Files.writeString(file, "old key");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Files.setAttribute(file, "unix:uid", 4321, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(file, "unix:gid", 8765, LinkOption.NOFOLLOW_LINKS);

        AtomicFiles.replace(file, "new key".getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_ONLY);

        assertEquals("new key", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(4321, Files.getAttribute(file, "unix:uid"), "the file stays its owner's (postgres, say)");
        assertEquals(8765, Files.getAttribute(file, "unix:gid"));
    }

    @Test
    void aWiderModeOfTheReplacedFileIsKeptToo() throws IOException {
        Path file = dir.resolve("report.html");
        Files.writeString(file, "old report");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        AtomicFiles.writeString(file, "new report", AtomicFiles.OWNER_ONLY);

        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aNewFileGetsThePermissionsNamed() throws IOException {
        Path named = dir.resolve("truststore.p12");
        AtomicFiles.replace(named, new byte[] {1, 2, 3}, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(named)));

        Path unnamed = dir.resolve("export.zip");
        AtomicFiles.replace(unnamed, new byte[] {4});
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(unnamed)));
    }

    @Test
    void aFailingRenameLeavesTheOldContentAndNoTempFile() throws IOException {
        Path file = dir.resolve("app.conf");
        Files.writeString(file, "version=1");
        AtomicFiles.Renamer failing = (temp, target) -> {
            assertTrue(Files.exists(temp), "the temp file exists until the rename");
            throw new IOException("disk full (simulated)");
        };

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.replace(file,
                "version=2".getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_ONLY, failing));

        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals("version=1", Files.readString(file));
        assertEquals(List.of("app.conf"), names(dir));
    }

    @Test
    void aBackupCopyKeepsTheSourceModeAndReturnsItsChecksum() throws IOException {
        Path source = dir.resolve("cacerts");
        Files.writeString(source, "abc");
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));

        String sum = AtomicFiles.copy(source, dir.resolve("backups/cacerts.bak"));

        // sha256sum of "abc": lower-case hex, as file checksums are printed
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", sum);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("backups/cacerts.bak"))));
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
