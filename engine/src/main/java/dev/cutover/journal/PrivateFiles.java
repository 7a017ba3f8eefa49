package dev.cutover.journal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories only their owner can read: journals, run directories, reports and exports are
 * created 0600/0700 with those permissions given at creation (the umask can only narrow them), never
 * chmod'ed afterwards, so there is no moment at which others could open them.
 */
public final class PrivateFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {
    }

    /** The attribute that creates a file 0600 (none where the file system has no POSIX permissions). */
    public static FileAttribute<?>[] file() {
        return attrs("rw-------");
    }

    /** The attribute that creates a directory 0700 (none where the file system has no POSIX permissions). */
    public static FileAttribute<?>[] directory() {
        return attrs("rwx------");
    }

    /** Creates {@code dir} and any missing parents 0700; existing directories are left as they are. */
    public static Path createDirectories(Path dir) throws IOException {
        return Files.createDirectories(dir, directory());
    }

    /**
     * Refuses a private key file that its group or others can read or write, with the command that fixes it.
     *
     * @throws IOException naming the file, its mode and {@code chmod 600 FILE}
     */
    public static void requireOwnerOnly(Path file) throws IOException {
        if (!POSIX) {
            return;
        }
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
        if (p.stream().anyMatch(x -> x.name().startsWith("GROUP_") || x.name().startsWith("OTHERS_"))) {
            throw new IOException(file + " is a private key that others can read (mode "
                    + PosixFilePermissions.toString(p) + "); cutover refuses to use it. Run: chmod 600 " + file);
        }
    }

    private static FileAttribute<?>[] attrs(String mode) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))}
                : new FileAttribute<?>[0];
    }
}
