package dev.cutover.postgres;

import dev.cutover.spi.StepFailedException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Replaces files atomically (temp file beside the target, fsync, rename), keeping owner and permissions. */
final class AtomicFiles {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AtomicFiles() {
    }

    /**
     * Writes {@code bytes} to {@code target}. The new file takes the old file's owner, group and
     * permissions when it exists, else {@code fallbackPermissions}.
     */
    static void replace(Path target, byte[] bytes, Set<PosixFilePermission> fallbackPermissions) throws StepFailedException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".cutover-tmp");
            PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            if (view != null) {
                view.setPermissions(OWNER_ONLY);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            copyOwnership(target, tmp, view, fallbackPermissions);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            fsyncDirectory(dir);
        } catch (IOException e) {
            throw new StepFailedException("cannot write " + target + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp file holds nothing the target did not
                }
            }
        }
    }

    /** Copies {@code source} to {@code target} atomically with owner-only permissions (for backups). */
    static void backup(Path source, Path target) throws StepFailedException {
        byte[] bytes = CertFiles.read(source, "file to back up");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new StepFailedException("cannot create backup directory " + target.getParent() + ": " + e.getMessage());
        }
        replace(target, bytes, OWNER_ONLY);
    }

    private static void copyOwnership(Path from, Path to, PosixFileAttributeView view,
                                      Set<PosixFilePermission> fallback) throws IOException {
        if (view == null) {
            return;
        }
        if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
            PosixFileAttributeView old = Files.getFileAttributeView(from, PosixFileAttributeView.class);
            var attrs = old.readAttributes();
            try {
                view.setOwner(attrs.owner());
                view.setGroup(attrs.group());
            } catch (IOException e) {
                // not permitted for an unprivileged operator; the file stays ours, which PostgreSQL accepts when we run it
            }
            view.setPermissions(attrs.permissions());
        } else {
            view.setPermissions(fallback);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open directories; the rename is still atomic
        }
    }
}
