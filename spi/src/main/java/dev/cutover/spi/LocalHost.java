package dev.cutover.spi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * This machine as a {@link Host}: commands run through {@link ChildProcesses} (own session, tagged,
 * the tagged tree killed on timeout or interrupt), files replaced by {@link AtomicFiles}.
 *
 * @since 0.2
 */
public final class LocalHost implements Host {

    /** This machine, as steps see it when no fleet is in use. */
    public static final LocalHost INSTANCE = new LocalHost("local");

    private final String name;

    public LocalHost(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isLocal() {
        return true;
    }

    @Override
    public Exec run(Command command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(ChildProcesses.inOwnSession(command.argv()));
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (command.directory() != null) {
            pb.directory(Path.of(command.directory()).toFile());
        }
        pb.environment().putAll(command.environment());
        String tag = command.tag();
        if (tag != null) {
            java.util.Map<String, String> tagged = ChildProcesses.forStep(pb.environment(), tag);
            pb.environment().clear();
            pb.environment().putAll(tagged);
        }
        Process process = pb.start();
        if (tag != null) {
            ChildProcesses.started(process, tag);
        }
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(command.stdin());
        } catch (IOException e) {
            // the program did not read its input; its exit code tells
        }
        boolean timedOut = false;
        try {
            if (command.timeout() == null) {
                process.waitFor();
            } else if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                stop(process, tag);
            }
        } catch (InterruptedException e) {
            stop(process, tag);
            throw e;
        }
        int exit = timedOut ? -1 : process.exitValue();
        if (!timedOut && tag != null) {
            ChildProcesses.killTagged(tag); // no process outlives its command (a service starts a session of its own)
        }
        return new Exec(exit, out.join(), err.join(), timedOut);
    }

    private static void stop(Process process, String tag) {
        if (tag != null) {
            ChildProcesses.killTagged(tag);
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                stream.transferTo(buf);
                return buf.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public byte[] read(String path) throws IOException {
        return Files.readAllBytes(Path.of(path));
    }

    @Override
    public Optional<FileInfo> stat(String path) throws IOException {
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        boolean link = Files.isSymbolicLink(p);
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
            return Optional.of(new FileInfo(a.size(), a.permissions(), a.owner().getName(), a.group().getName(), link,
                    a.isDirectory()));
        } catch (UnsupportedOperationException e) {
            return Optional.of(new FileInfo(Files.size(p), Set.of(), "", "", link, Files.isDirectory(p)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void replace(String path, byte[] content, Set<PosixFilePermission> newFilePermissions) throws IOException {
        AtomicFiles.replace(Path.of(path), content, newFilePermissions);
    }

    @Override
    public boolean delete(String path) throws IOException {
        Path p = Path.of(path);
        boolean existed = Files.deleteIfExists(p);
        if (existed) {
            Path dir = p.toAbsolutePath().getParent();
            if (dir != null && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                AtomicFiles.fsyncDirectory(dir);
            }
        }
        return existed;
    }

    @Override
    public String sha256(String path) throws IOException {
        return AtomicFiles.sha256(Path.of(path));
    }

    @Override
    public String toString() {
        return name + " (this machine)";
    }
}
