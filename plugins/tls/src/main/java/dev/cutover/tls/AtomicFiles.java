package dev.cutover.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Durable file writes: temp file beside the target, fsync, same permissions, atomic rename, directory fsync. */
final class AtomicFiles {

    /** The final step of a write: moves the fsync'd temp file over the target. Replaceable in tests. */
    @FunctionalInterface
    interface Renamer {
        void rename(Path temp, Path target) throws IOException;
    }

    static final Renamer ATOMIC_MOVE = (temp, target) ->
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    private AtomicFiles() {
    }

    /**
     * Replaces {@code link} with {@code bytes}; keeps the file's permissions and, where allowed, its owner. A symbolic
     * link (such as a JDK's {@code cacerts}) is followed, so the file it points to is replaced and the link kept.
     */
    static void write(Path link, byte[] bytes, Renamer renamer) throws IOException {
        Path target = Files.exists(link) ? link.toRealPath() : link.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            copyAttributes(target, temp);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            renamer.rename(temp, target);
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Copies {@code source} to a new file {@code copy}, fsync'd, and returns its SHA-256 (lower-case hex). */
    static String copyDurably(Path source, Path copy) throws IOException {
        Files.createDirectories(copy.toAbsolutePath().getParent());
        Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        fsyncDirectory(copy.toAbsolutePath().getParent());
        return sha256(copy);
    }

    /** SHA-256 of a file's content, lower-case hex. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
            byte[] buf = new byte[8192];
            MessageDigest md = ((DigestInputStream) in).getMessageDigest();
            while (in.read(buf) >= 0) {
                // reading feeds the digest
            }
            return HexFormat.of().formatHex(md.digest());
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void copyAttributes(Path from, Path to) throws IOException {
        PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (target == null) {
            return;
        }
        if (!Files.exists(from)) {
            target.setPermissions(PosixFilePermissions.fromString("rw-------"));
            return;
        }
        PosixFileAttributes attrs = Files.readAttributes(from, PosixFileAttributes.class);
        target.setPermissions(attrs.permissions());
        try {
            if (!attrs.owner().equals(Files.getOwner(to))) {
                target.setOwner(attrs.owner());
            }
            target.setGroup(attrs.group());
        } catch (IOException | UnsupportedOperationException e) {
            // only a privileged user may give a file away; permissions are still preserved
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory for sync; the rename itself is still atomic
        }
    }
}
