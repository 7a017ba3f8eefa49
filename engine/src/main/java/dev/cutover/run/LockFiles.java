package dev.cutover.run;

import dev.cutover.spi.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The machine-wide lock directory and the file operations on it that several users' processes share.
 * The directory ({@code /var/tmp/cutover/locks} unless {@code CUTOVER_LOCK_DIR} or the system property
 * {@code cutover.lock.dir} says otherwise) is created sticky and world-writable (1777), like /tmp. Each
 * key gets a directory of its own, world-writable but not sticky, so that whoever holds the lock can
 * replace the owner record there whoever wrote it last.
 */
final class LockFiles {
    static final String ENV = "CUTOVER_LOCK_DIR";
    static final String PROPERTY = "cutover.lock.dir";
    static final Path DEFAULT = Path.of("/var/tmp/cutover/locks");
    private static final int SHARED_DIR = 01777;
    private static final int KEY_DIR = 0777;
    private static final int SHARED_FILE = 0666;
    private static final int RECORD = 0644;

    private LockFiles() {
    }

    /**
     * The lock directory: {@code CUTOVER_LOCK_DIR} in {@code env} (the variables a run was given), else the
     * system property, else {@code CUTOVER_LOCK_DIR} in the process environment, else the default.
     */
    static Path directory(Map<String, String> env) {
        String v = env == null ? null : env.get(ENV);
        if (v == null || v.isBlank()) {
            v = System.getProperty(PROPERTY);
        }
        if (v == null || v.isBlank()) {
            v = System.getenv(ENV);
        }
        return (v == null || v.isBlank() ? DEFAULT : Path.of(v)).toAbsolutePath();
    }

    /** The directory of one key, created (with the lock directory) when missing. */
    static Path keyDirectory(Path lockDir, String key) throws IOException {
        createShared(lockDir);
        Path dir = lockDir.resolve(fileName(key));
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectory(dir);
                chmod(dir, KEY_DIR);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first
            }
        }
        return dir;
    }

    /** A file-system-safe, collision-free name for a key: readable part plus a hash of the whole key. */
    static String fileName(String key) {
        String safe = key.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 60) {
            safe = safe.substring(0, 60);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return safe + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates {@code dir} and any missing parent; each level created here becomes 1777. */
    private static void createShared(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createShared(parent);
        }
        try {
            Files.createDirectory(dir);
            chmod(dir, SHARED_DIR);
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
        }
    }

    /**
     * Opens a file every user may lock, creating it (mode 0666) when missing. An existing file is opened
     * without O_CREAT, which the kernel's protected_regular refuses for other users' files in sticky
     * directories; a file another process has just created may briefly be unwritable until it is chmodded.
     */
    static FileChannel openShared(Path file, boolean append) throws IOException {
        StandardOpenOption mode = append ? StandardOpenOption.APPEND : StandardOpenOption.READ;
        AccessDeniedException denied = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                return FileChannel.open(file, mode, StandardOpenOption.WRITE);
            } catch (NoSuchFileException missing) {
                try {
                    FileChannel ch = FileChannel.open(file, mode, StandardOpenOption.WRITE,
                            StandardOpenOption.CREATE_NEW);
                    chmod(file, SHARED_FILE);
                    return ch;
                } catch (FileAlreadyExistsException raced) {
                    continue;
                }
            } catch (AccessDeniedException e) {
                denied = e;
                pause();
            }
        }
        throw denied != null ? denied : new IOException("cannot open " + file);
    }

    /** Replaces {@code target} with {@code data} in one rename: readers see the old or the new content, never part. */
    static void writeAtomically(Path target, byte[] data) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(data));
                ch.force(true);
            }
            chmod(tmp, RECORD);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the lock directory " + target.getParent() + " does not support atomic "
                        + "rename; point " + ENV + " at a local file system", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        AtomicFiles.fsyncDirectory(target.getParent());
    }

    /** Appends one line with a single write and fsyncs it. */
    static void appendLine(Path file, String line) throws IOException {
        try (FileChannel ch = openShared(file, true)) {
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    /** Sets a mode the umask would have narrowed; the sticky bit needs the "unix" attribute view. */
    private static void chmod(Path p, int mode) {
        try {
            Files.setAttribute(p, "unix:mode", mode);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // not a Unix file system, or not ours: the mode it was created with stays
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
