package dev.cutover.file;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.spi.Host;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A file's content, mode and owner on a step's host, and the backup discipline every file change shares:
 * before a change the file is copied byte for byte (mode {@code 0600}, it may hold secrets) and its hash,
 * mode, owner and group are journaled in the intent; undo puts back the bytes, the mode and the owner, or
 * deletes a file that did not exist. All I/O goes through {@link StepContext#host()}.
 */
final class FileState {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private FileState() {
    }

    /** The intent of a change to {@code path}: its state now, and a backup of its bytes when it exists. */
    static Map<String, Object> snapshot(StepContext context, String path) throws StepFailedException {
        Host host = context.host();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("path", path);
        Optional<Host.FileInfo> info = stat(host, path);
        if (info.isPresent() && info.get().directory()) {
            throw new StepFailedException(path + " is a directory; give the path of a file");
        }
        data.put("existed", info.isPresent());
        if (info.isEmpty()) {
            return data;
        }
        byte[] bytes = read(host, path);
        String backup = backupPath(context, path);
        try {
            if (host.isLocal()) {
                Files.createDirectories(Path.of(backup).getParent());
            }
            host.replace(backup, bytes, AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            throw new StepFailedException("cannot back up " + path + " to " + backup + " on " + host.name() + ": "
                    + Messages.of(e) + "; nothing was changed. Check free space and permissions");
        }
        context.note("backed up " + path + " to " + backup);
        data.put("backup", backup);
        data.put("backup_sha256", AtomicFiles.sha256(bytes));
        data.put("mode", Modes.format(info.get().permissions()));
        data.put("owner", info.get().owner());
        data.put("group", info.get().group());
        data.put("symlink", info.get().symlink());
        return data;
    }

    /**
     * Where the backup of {@code path} goes: under the run directory on this machine
     * ({@code backups/<step id>/<file name>}), beside the file on a remote host; never an existing file.
     */
    static String backupPath(StepContext context, String path) throws StepFailedException {
        String name = Path.of(path).getFileName().toString();
        String step = context.stepId().replaceAll("[^A-Za-z0-9._-]", "_");
        String base = context.host().isLocal()
                ? context.runDirectory().resolve("backups").resolve(step).resolve(name).toAbsolutePath().toString()
                : path + ".cutover-" + context.runId() + "-" + step + ".bak";
        String candidate = base;
        for (int n = 2; stat(context.host(), candidate).isPresent(); n++) {
            candidate = base + "." + n;
        }
        return candidate;
    }

    /** Puts back what {@link #snapshot} recorded: the bytes (hash checked), mode and owner; or deletes the file. */
    static Map<String, Object> restore(StepContext context, Map<String, Object> intent) throws StepFailedException {
        Host host = context.host();
        String path = String.valueOf(intent.get("path"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", path);
        if (!Boolean.TRUE.equals(intent.get("existed"))) {
            try {
                out.put("deleted", host.delete(path));
            } catch (IOException e) {
                throw new StepFailedException("could not delete " + path + " (this step created it): " + Messages.of(e)
                        + "; delete it by hand");
            }
            return out;
        }
        String backup = String.valueOf(intent.get("backup"));
        String expected = String.valueOf(intent.get("backup_sha256"));
        byte[] bytes;
        try {
            bytes = host.read(backup);
        } catch (IOException e) {
            throw new StepFailedException("cannot read backup " + backup + " of " + path + ": " + Messages.of(e)
                    + "; restore the file by hand from another copy");
        }
        String actual = AtomicFiles.sha256(bytes);
        if (!actual.equals(expected)) {
            throw new StepFailedException("backup " + backup + " has SHA-256 " + actual + " but " + expected
                    + " was recorded; it was altered after the backup. " + path + " was not touched");
        }
        Set<PosixFilePermission> mode = Modes.parse(String.valueOf(intent.get("mode")));
        write(host, path, bytes, mode);
        setAttributes(context, path, mode, String.valueOf(intent.get("owner")), String.valueOf(intent.get("group")));
        String now = sha256(host, path);
        if (!now.equals(expected)) {
            throw new StepFailedException("after restoring " + path + " its SHA-256 is " + now + ", expected " + expected
                    + "; copy " + backup + " over it by hand");
        }
        out.put("restored_from", backup);
        out.put("sha256", now);
        return out;
    }

    /** Sets the mode, owner and group that differ from the file's now (through chmod/chown on the host). */
    static boolean setAttributes(StepContext context, String path, Set<PosixFilePermission> mode, String owner,
                                 String group) throws StepFailedException {
        Host host = context.host();
        Host.FileInfo info = stat(host, path).orElseThrow(() -> new StepFailedException(path + " vanished"));
        boolean changed = false;
        if (mode != null && !mode.equals(info.permissions())) {
            command(context, List.of("chmod", Modes.format(mode), path));
            changed = true;
        }
        boolean ownerDiffers = owner != null && !owner.isEmpty() && !owner.equals(info.owner());
        boolean groupDiffers = group != null && !group.isEmpty() && !group.equals(info.group());
        if (ownerDiffers || groupDiffers) {
            command(context, List.of("chown", (ownerDiffers ? owner : "") + (groupDiffers ? ":" + group : ""), path));
            changed = true;
        }
        return changed;
    }

    private static void command(StepContext context, List<String> argv) throws StepFailedException {
        try {
            Host.Exec r = context.host().run(Host.Command.of(argv, COMMAND_TIMEOUT, context.processTag()));
            if (r.exitCode() != 0) {
                throw new StepFailedException(String.join(" ", argv) + " failed on " + context.host().name() + " (exit "
                        + r.exitCode() + "): " + r.stderrText().strip());
            }
        } catch (IOException e) {
            throw new StepFailedException("cannot run " + String.join(" ", argv) + " on " + context.host().name() + ": "
                    + Messages.of(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailedException("interrupted while running " + String.join(" ", argv));
        }
    }

    static void write(Host host, String path, byte[] bytes, Set<PosixFilePermission> newFileMode)
            throws StepFailedException {
        try {
            host.replace(path, bytes, newFileMode == null ? AtomicFiles.OWNER_ONLY : newFileMode);
        } catch (IOException e) {
            throw new StepFailedException("could not replace " + path + " on " + host.name() + " (" + Messages.of(e)
                    + "); the file is unchanged");
        }
    }

    static Optional<Host.FileInfo> stat(Host host, String path) throws StepFailedException {
        try {
            return host.stat(path);
        } catch (IOException e) {
            throw new StepFailedException("cannot read the attributes of " + path + " on " + host.name() + ": "
                    + Messages.of(e));
        }
    }

    static byte[] read(Host host, String path) throws StepFailedException {
        try {
            return host.read(path);
        } catch (IOException e) {
            throw new StepFailedException("cannot read " + path + " on " + host.name() + ": " + Messages.of(e));
        }
    }

    /** SHA-256 of the file, or "" when it does not exist. */
    static String sha256(Host host, String path) throws StepFailedException {
        if (stat(host, path).isEmpty()) {
            return "";
        }
        try {
            return host.sha256(path);
        } catch (IOException e) {
            throw new StepFailedException("cannot read " + path + " on " + host.name() + ": " + Messages.of(e));
        }
    }

    /** Permission sets from and to octal text ({@code 0640}). */
    static final class Modes {
        private static final PosixFilePermission[] BITS = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

        private Modes() {
        }

        /** {@code 640} or {@code 0640}; null for null or empty. */
        static Set<PosixFilePermission> parse(String octal) {
            if (octal == null || octal.isBlank() || octal.equals("null")) {
                return null;
            }
            String s = octal.trim();
            if (!s.matches("0?[0-7]{3}")) {
                throw new IllegalArgumentException("mode '" + octal + "' is not an octal file mode such as 0640");
            }
            int bits = Integer.parseInt(s, 8);
            Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
            for (int i = 0; i < BITS.length; i++) {
                if ((bits & (1 << i)) != 0) {
                    set.add(BITS[i]);
                }
            }
            return set;
        }

        static String format(Set<PosixFilePermission> perms) {
            int bits = 0;
            for (int i = 0; i < BITS.length; i++) {
                if (perms.contains(BITS[i])) {
                    bits |= 1 << i;
                }
            }
            return String.format("0%03o", bits);
        }
    }

    /** Operator-facing text of an I/O error: what failed, without Java class names. */
    static final class Messages {
        private Messages() {
        }

        static String of(IOException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (e instanceof java.nio.file.NoSuchFileException) {
                return "no such file: " + m;
            }
            if (e instanceof java.nio.file.AccessDeniedException) {
                return "permission denied: " + m;
            }
            if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
                return f.getReason() + (f.getFile() == null ? "" : ": " + f.getFile());
            }
            return m.isEmpty() ? "I/O error" : m;
        }
    }
}
