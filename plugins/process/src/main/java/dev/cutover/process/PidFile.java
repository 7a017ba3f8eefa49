package dev.cutover.process;

import dev.cutover.spi.StepFailedException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A conventional pid file: the process id and a newline. A pid is trusted only while the
 * process it names is alive and started no later than the file was written, so a recycled
 * pid never gets a signal meant for the service.
 */
record PidFile(Path path) {
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(2);

    /** The live process this file names, or empty when there is none (no file, stale pid, recycled pid). */
    Optional<ProcessHandle> live() throws StepFailedException {
        String text;
        Instant written;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).trim();
            written = Files.getLastModifiedTime(path).toInstant();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StepFailedException("cannot read pid file " + path + ": " + e.getMessage());
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new StepFailedException("pid file " + path + " does not hold a process id (found '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "')");
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> started = handle.get().info().startInstant();
        if (started.isPresent() && started.get().isAfter(written.plus(CLOCK_SLACK))) {
            return Optional.empty();
        }
        return handle;
    }

    /** Writes the pid atomically (temp file, fsync, rename). */
    void write(long pid) throws StepFailedException {
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StepFailedException("cannot write pid file " + path + ": " + e.getMessage());
        }
    }

    void delete() throws StepFailedException {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new StepFailedException("cannot delete pid file " + path + ": " + e.getMessage());
        }
    }
}
