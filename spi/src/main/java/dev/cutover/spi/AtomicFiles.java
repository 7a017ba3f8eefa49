package dev.cutover.spi;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * The one way cutover replaces a file, everywhere (keystores, PEM files, config files, reports,
 * exports). The policy:
 * <ul>
 *   <li>the new content goes to a temp file beside the target, is fsync'd, renamed over the target
 *       atomically, and the directory is fsync'd: a reader sees the old file or the new one, never half;</li>
 *   <li>a symbolic link is followed: the file it points to is replaced and the link stays a link
 *       (a JDK's {@code cacerts}, PostgreSQL's {@code server.crt} are often links);</li>
 *   <li>an existing file's permissions are preserved, and its owner and group where the operator may
 *       set them (root may; others keep the file their own, with the same mode);</li>
 *   <li>a new file gets the permissions the caller names ({@link #OWNER_ONLY} unless said otherwise).</li>
 * </ul>
 *
 * @since 0.2
 */
public final class AtomicFiles {

    /** {@code rw-------}: what a new file gets unless the caller names other permissions. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The final step of a write: moves the fsync'd temp file over the target. Replaceable in tests. */
    @FunctionalInterface
    public interface Renamer {
        void rename(Path temp, Path target) throws IOException;
    }

    /** What writes the content of a file to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The atomic rename (a plain replacing move where the file system cannot rename atomically). */
    public static final Renamer ATOMIC_MOVE = (temp, target) -> {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    };

    private AtomicFiles() {
    }

    /** Replaces {@code path} with {@code bytes}; a new file is {@link #OWNER_ONLY}. */
    public static void replace(Path path, byte[] bytes) throws IOException {
        replace(path, bytes, OWNER_ONLY, ATOMIC_MOVE);
    }

    /** Replaces {@code path} with {@code bytes}; a new file gets {@code newFilePermissions}. */
    public static void replace(Path path, byte[] bytes, Set<PosixFilePermission> newFilePermissions) throws IOException {
        replace(path, bytes, newFilePermissions, ATOMIC_MOVE);
    }

    /** Replaces {@code path} with {@code bytes} through {@code renamer} (tests make the rename fail). */
    public static void replace(Path path, byte[] bytes, Set<PosixFilePermission> newFilePermissions, Renamer renamer)
            throws IOException {
        write(path, out -> out.write(bytes), newFilePermissions, renamer);
    }

    /** Writes a text file (UTF-8) by the same policy. */
    public static void writeString(Path path, String text, Set<PosixFilePermission> newFilePermissions) throws IOException {
        replace(path, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), newFilePermissions, ATOMIC_MOVE);
    }

    /** Writes what {@code content} streams, by the same policy; the directory must exist. */
    public static void write(Path path, Content content, Set<PosixFilePermission> newFilePermissions, Renamer renamer)
            throws IOException {
        Path target = target(path);
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            copyAttributes(target, temp, newFilePermissions);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new FilterOutputStream(Channels.newOutputStream(ch)) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        this.out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush(); // the channel stays open until it is fsync'd
                    }
                };
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            renamer.rename(temp, target);
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Copies {@code source} to {@code copy} (a backup), fsync'd, with the source's permissions, and
     * returns the copy's SHA-256 (lower-case hex).
     */
    public static String copy(Path source, Path copy) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        Path dir = copy.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Set<PosixFilePermission> perms = OWNER_ONLY;
        PosixFileAttributeView view = Files.getFileAttributeView(source, PosixFileAttributeView.class);
        if (view != null) {
            perms = view.readAttributes().permissions();
        }
        replace(copy, bytes, perms, ATOMIC_MOVE);
        return sha256(bytes);
    }

    /** The file a write to {@code path} replaces: a symbolic link's destination, else the path itself. */
    public static Path target(Path path) throws IOException {
        return Files.exists(path) ? path.toRealPath() : path.toAbsolutePath();
    }

    /** SHA-256 of a file's content, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            byte[] buf = new byte[8192];
            while (in.read(buf) >= 0) {
                // reading feeds the digest
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** SHA-256 of bytes, lower-case hex. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** Forces a directory's entries to disk (after a create or rename); quiet where a file system cannot. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // some file systems cannot open a directory for sync; the rename itself is still atomic
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void copyAttributes(Path from, Path to, Set<PosixFilePermission> newFilePermissions)
            throws IOException {
        PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (target == null) {
            return;
        }
        if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
            target.setPermissions(newFilePermissions);
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
            // only a privileged user may give a file away; the permissions are still preserved
        }
    }
}
