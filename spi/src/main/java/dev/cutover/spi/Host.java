package dev.cutover.spi;

import java.io.IOException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The machine a step works on: this one ({@link LocalHost}), or a fleet host reached over SSH. A
 * step that runs commands or changes files does it through {@link StepContext#host()}, so the same
 * code, and the same undo, works on a local or a remote host. Paths are the host's own (strings, not
 * {@link java.nio.file.Path}s of this machine).
 *
 * <p>Every method may block on the network for a remote host; all of them honour the thread's
 * interrupt (the engine interrupts a step on timeout and on Ctrl-C).
 *
 * @since 0.2
 */
public interface Host {

    /** The host's name in the inventory ({@code "local"} for this machine when no fleet is in use). */
    String name();

    /** Whether this is the machine cutover runs on. */
    boolean isLocal();

    /** The per-host values from the inventory ({@code ${host.truststore}}); empty for this machine. */
    default Map<String, String> values() {
        return Map.of();
    }

    /**
     * Runs a command (argv, never a shell line) and waits for it. The process runs in a session of its
     * own carrying {@link Command#tag()}; on timeout or interrupt its whole process group is killed (on
     * a remote host too), and when it exits, what it left running in its process group is stopped (no process
     * outlives its command; a service meant to outlive it starts a session of its own, {@code setsid}).
     * An interrupt is rethrown as {@link InterruptedException} once the processes are gone. Secrets go in {@link Command#stdin()} or {@link Command#environment()}, which
     * never appear on a command line ({@code ps}, {@code /proc/PID/cmdline}) on either machine.
     */
    Exec run(Command command) throws IOException, InterruptedException;

    /** A file's bytes. */
    byte[] read(String path) throws IOException;

    /** A file's attributes, or empty when it does not exist. */
    Optional<FileInfo> stat(String path) throws IOException;

    /**
     * Replaces a file by the {@link AtomicFiles} policy: a temp file beside it, fsync, atomic rename; a
     * symbolic link stays a link; an existing file keeps its permissions (and owner where allowed); a
     * new file gets {@code newFilePermissions}.
     */
    void replace(String path, byte[] content, Set<PosixFilePermission> newFilePermissions) throws IOException;

    /** Deletes a file if it exists; returns whether it did. */
    boolean delete(String path) throws IOException;

    /** SHA-256 of a file's content, lower-case hex. */
    default String sha256(String path) throws IOException {
        return AtomicFiles.sha256(read(path));
    }

    /**
     * A command to run.
     *
     * @param argv        the program and its arguments (quoted safely for a remote shell by the host)
     * @param stdin       bytes for its standard input (empty: none); the way to hand it a secret
     * @param environment extra environment variables
     * @param timeout     how long it may run (null: no limit)
     * @param tag         the process tag ({@link StepContext#processTag()})
     * @param directory   its working directory on the host (null: the host's default)
     */
    record Command(List<String> argv, byte[] stdin, Map<String, String> environment, Duration timeout, String tag,
                   String directory) {
        public Command {
            argv = List.copyOf(argv);
            stdin = stdin == null ? new byte[0] : stdin.clone();
            environment = Map.copyOf(Objects.requireNonNullElse(environment, Map.of()));
        }

        /** A command with no stdin, no extra environment and no directory. */
        public static Command of(List<String> argv, Duration timeout, String tag) {
            return new Command(argv, null, null, timeout, tag, null);
        }

        @Override
        public byte[] stdin() {
            return stdin.clone();
        }
    }

    /**
     * How a command ended.
     *
     * @param exitCode its exit code (-1 when it was killed or timed out)
     * @param stdout   its standard output
     * @param stderr   its standard error
     * @param timedOut whether it was stopped because it ran past its timeout
     */
    record Exec(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
        public Exec {
            stdout = stdout.clone();
            stderr = stderr.clone();
        }

        public String stdoutText() {
            return new String(stdout, java.nio.charset.StandardCharsets.UTF_8);
        }

        public String stderrText() {
            return new String(stderr, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * A file's attributes (of the file a symbolic link points to; {@code symlink} says whether the path was one).
     *
     * @param size        bytes
     * @param permissions its mode
     * @param owner       owner name (or uid when the name is unknown)
     * @param group       group name (or gid)
     * @param symlink     whether the path itself is a symbolic link
     * @param directory   whether it is a directory
     */
    record FileInfo(long size, Set<PosixFilePermission> permissions, String owner, String group, boolean symlink,
                    boolean directory) {
        public FileInfo {
            permissions = Set.copyOf(permissions);
        }
    }
}
