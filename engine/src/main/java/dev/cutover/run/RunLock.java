package dev.cutover.run;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A lock on a key (such as a database instance) in the state directory, so two runs or rollbacks
 * of the same change cannot overlap. The lock file is created atomically and names its holder; a
 * lock whose holder process is gone on this host is stale and may be taken over.
 */
public final class RunLock implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    private RunLock(Path file) {
        this.file = file;
    }

    /**
     * Who holds a lock.
     *
     * @param key      the lock key
     * @param runId    the holding run
     * @param operator who started it
     * @param host     where
     * @param pid      its process id
     * @param since    when it was taken
     */
    public record Holder(String key, String runId, String operator, String host, long pid, String since) {
        /** Whether the holder process is gone (only decidable on the same host). */
        boolean isStale(String thisHost) {
            return host.equals(thisHost) && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
        }

        @Override
        public String toString() {
            return "run " + runId + " by " + operator + " on " + host + " (pid " + pid + ") since " + since;
        }
    }

    /** The lock is held by someone else. */
    public static final class HeldException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Holder holder;

        HeldException(Holder holder) {
            super("lock '" + holder.key() + "' is held by " + holder);
            this.holder = holder;
        }

        public Holder holder() {
            return holder;
        }
    }

    /** The outcome of acquiring: the lock, and the stale holder it replaced, if any. */
    public record Acquired(RunLock lock, Optional<Holder> tookOverFrom) {
    }

    static Path fileFor(Path stateDir, String key) {
        String safe = key.replaceAll("[^A-Za-z0-9._-]", "_");
        return stateDir.resolve("locks").resolve(safe + ".lock");
    }

    /** Takes the lock, or throws naming the live holder. A stale lock (dead pid, this host) is taken over. */
    public static Acquired acquire(Path stateDir, String key, String runId, String operator) throws IOException,
            HeldException {
        Path file = fileFor(stateDir, key);
        Files.createDirectories(file.getParent());
        Holder me = new Holder(key, runId, operator, Engine.host(), ProcessHandle.current().pid(),
                Instant.now().toString());
        for (int attempt = 0; attempt < 3; attempt++) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(me)));
                ch.force(true);
                return new Acquired(new RunLock(file), Optional.empty());
            } catch (FileAlreadyExistsException e) {
                Optional<Holder> h = read(file);
                if (h.isEmpty()) {
                    Files.deleteIfExists(file);
                    continue;
                }
                if (!h.get().isStale(Engine.host())) {
                    throw new HeldException(h.get());
                }
                Path moved = file.resolveSibling(file.getFileName() + ".stale-" + ProcessHandle.current().pid());
                Files.move(file, moved);
                Files.deleteIfExists(moved);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(me)));
                    ch.force(true);
                    return new Acquired(new RunLock(file), h);
                } catch (FileAlreadyExistsException raced) {
                    continue;
                }
            }
        }
        throw new IOException("could not take lock " + file + " after 3 attempts");
    }

    /** The current holder of a key, if locked. */
    public static Optional<Holder> holder(Path stateDir, String key) {
        return read(fileFor(stateDir, key));
    }

    /** Removes a lock whatever its holder (cutover unlock); returns the holder removed. */
    public static Optional<Holder> forceRelease(Path stateDir, String key) throws IOException {
        Path f = fileFor(stateDir, key);
        Optional<Holder> h = read(f);
        Files.deleteIfExists(f);
        return h;
    }

    private static Optional<Holder> read(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(new String(b, StandardCharsets.UTF_8), LinkedHashMap.class);
            return Optional.of(new Holder(String.valueOf(m.get("key")), String.valueOf(m.get("runId")),
                    String.valueOf(m.get("operator")), String.valueOf(m.get("host")),
                    ((Number) m.get("pid")).longValue(), String.valueOf(m.get("since"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
