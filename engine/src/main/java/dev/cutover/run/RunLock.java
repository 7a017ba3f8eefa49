package dev.cutover.run;

import dev.cutover.spi.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalReader;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A machine-wide lock on a key (such as a database instance), so two runs or rollbacks of the same
 * change cannot overlap, whatever their state directories. The lock is an OS file lock on
 * {@code <lock dir>/<key>/lock} (a file that is never deleted) held for the run's whole life, so the
 * kernel decides who holds it and drops it when the holder dies. Beside it, {@code owner.json} names
 * the holder (run, run directory, operator, OS user, host, pid and pid start time); only the process
 * holding the OS lock writes or removes it, each time in one atomic rename.
 *
 * <p>A holder that died without releasing leaves its owner record behind. If its run finished, the
 * lock is taken over (and the taker journals it); if not, only a resume or rollback of that very run
 * may take it over: anyone else is refused and told to recover the run first.
 */
public final class RunLock implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOCK = "lock";
    private static final String OWNER = "owner.json";
    /** Locks held by this JVM: a second channel on the same file must never be opened (closing it drops the lock). */
    private static final Map<Path, RunLock> HELD_HERE = new ConcurrentHashMap<>();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private final Holder me;
    /** Releases a lock held in the team store ({@link #held}); null for an OS file lock. */
    private final AutoCloseable remote;
    private boolean closed;

    private RunLock(Path dir, FileChannel channel, FileLock lock, Holder me) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
        this.me = me;
        this.remote = null;
    }

    private RunLock(Holder me, AutoCloseable remote) {
        this.dir = null;
        this.channel = null;
        this.lock = null;
        this.me = me;
        this.remote = remote;
    }

    /** A lock held in a team store ({@link dev.cutover.state.StateStore}), released by {@code release}. */
    public static RunLock held(Holder me, AutoCloseable release) {
        return new RunLock(me, release);
    }

    /**
     * Who holds, or last held, a lock.
     *
     * @param key      the lock key
     * @param runId    the holding run
     * @param runDir   its run directory (where its journal is); may be null
     * @param operator who started it
     * @param osUser   the OS user of its process
     * @param host     where
     * @param pid      its process id
     * @param pidStart its process's start time token ({@link ProcessIdentity#start()}); may be null
     * @param since    when it took the lock
     */
    public record Holder(String key, String runId, String runDir, String operator, String osUser, String host,
                         long pid, String pidStart, String since) {
        /** This process as the holder of {@code key} for {@code runId}. */
        public static Holder forThisProcess(String key, String runId, Path runDir, String operator) {
            ProcessIdentity p = ProcessIdentity.current();
            return new Holder(key, runId, runDir == null ? null : runDir.toAbsolutePath().toString(), operator,
                    System.getProperty("user.name", "unknown"), Engine.host(), p.pid(), p.start(),
                    Instant.now().toString());
        }

        /** Whether the holder's process is still running (by pid and start time). */
        public boolean processAlive() {
            Instant began;
            try {
                began = Instant.parse(since);
            } catch (RuntimeException e) {
                began = null;
            }
            return Engine.host().equals(host) && new ProcessIdentity(pid, pidStart).isAlive(began);
        }

        /** Whether the holder's journal records run.finished; empty when its journal cannot be read. */
        public Optional<Boolean> runFinished() {
            if (runDir == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(JournalReader.read(Path.of(runDir).resolve(Journal.FILE_NAME)).events().stream()
                        .anyMatch(e -> e.event().equals("run.finished")));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** The owner record's fields (also what a team store keeps for a lease). */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", key);
            m.put("run_id", runId);
            m.put("run_dir", runDir);
            m.put("operator", operator);
            m.put("os_user", osUser);
            m.put("host", host);
            m.put("pid", pid);
            m.put("pid_start", pidStart);
            m.put("since", since);
            return m;
        }

        /** A holder from {@link #toMap()}'s fields. */
        public static Holder fromMap(Map<?, ?> m) {
            return new Holder(str(m.get("key")), str(m.get("run_id")), str(m.get("run_dir")), str(m.get("operator")),
                    str(m.get("os_user")), str(m.get("host")), ((Number) m.get("pid")).longValue(),
                    str(m.get("pid_start")), str(m.get("since")));
        }

        private static String str(Object o) {
            return o == null ? null : o.toString();
        }

        @Override
        public String toString() {
            return "run " + runId + " by " + operator + " on " + host + " (pid " + pid + ") since " + since;
        }
    }

    /** The lock is held, by a live process or by a run that died unfinished. */
    public static final class HeldException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Holder holder;
        private final boolean abandoned;

        public HeldException(String key, Holder holder, boolean abandoned) {
            super("lock '" + key + "' is held by " + (holder == null ? "a process that is still writing its owner "
                    + "record" : holder.toString()) + (abandoned ? ", whose process is gone but whose run did not "
                    + "finish" : ""));
            this.holder = holder;
            this.abandoned = abandoned;
        }

        /** The holder; null when its record could not be read yet. */
        public Holder holder() {
            return holder;
        }

        /** True when the holder's process is dead but its run is unfinished (crashed): recover that run first. */
        public boolean abandoned() {
            return abandoned;
        }
    }

    /** The outcome of acquiring: the lock, and the dead holder it replaced, if any. */
    public record Acquired(RunLock lock, Optional<Holder> tookOverFrom) {
    }

    /** The lock directory for these environment variables (see {@link LockFiles#directory}). */
    public static Path directory(Map<String, String> env) {
        return LockFiles.directory(env);
    }

    /**
     * Takes the lock for a run, or throws naming the holder. The lock of a dead holder is taken over
     * when its run finished, or when {@code mayTakeOverFrom} names its run (resume or rollback of it).
     *
     * @param runDir          the run's directory, recorded so others can find its journal; may be null
     * @param mayTakeOverFrom runs whose abandoned lock this run may take over
     */
    public static Acquired acquire(Path lockDir, String key, String runId, Path runDir, String operator,
                                   Set<String> mayTakeOverFrom) throws IOException, HeldException {
        Optional<dev.cutover.state.StateStore> store = dev.cutover.state.StateStores.current();
        if (store.isPresent()) {
            return store.get().acquireLock(key, runId, runDir, operator, mayTakeOverFrom); // across machines
        }
        Path dir = LockFiles.keyDirectory(lockDir, key);
        synchronized (HELD_HERE) {
            if (HELD_HERE.containsKey(dir)) {
                throw new HeldException(key, HELD_HERE.get(dir).me, false);
            }
            FileChannel ch = LockFiles.openShared(dir.resolve(LOCK), false);
            boolean keep = false;
            try {
                FileLock fl = tryLock(ch);
                if (fl == null) {
                    throw new HeldException(key, liveHolder(dir), false);
                }
                Optional<Holder> previous = read(dir);
                if (previous.isPresent() && !mayTakeOverFrom.contains(previous.get().runId())
                        && !previous.get().runFinished().orElse(false)) {
                    throw new HeldException(key, previous.get(), true);
                }
                Holder me = Holder.forThisProcess(key, runId, runDir, operator);
                LockFiles.writeAtomically(dir.resolve(OWNER), JSON.writeValueAsBytes(me.toMap()));
                RunLock l = new RunLock(dir, ch, fl, me);
                HELD_HERE.put(dir, l);
                keep = true;
                return new Acquired(l, previous);
            } finally {
                if (!keep) {
                    ch.close();
                }
            }
        }
    }

    /**
     * Removes the lock of a holder that is gone ({@code cutover unlock}), recording who, when, why and
     * whose in {@code unlocks.jsonl} in the lock directory first. Refuses while the holder is alive.
     *
     * @return the holder removed; empty when nothing held the key
     */
    public static Optional<Holder> unlock(Path lockDir, String key, String operator, String reason)
            throws IOException, HeldException {
        Path dir = LockFiles.keyDirectory(lockDir, key);
        synchronized (HELD_HERE) {
            if (HELD_HERE.containsKey(dir)) {
                throw new HeldException(key, HELD_HERE.get(dir).me, false);
            }
            try (FileChannel ch = LockFiles.openShared(dir.resolve(LOCK), false)) {
                FileLock fl = tryLock(ch);
                if (fl == null) {
                    throw new HeldException(key, liveHolder(dir), false);
                }
                Optional<Holder> previous = read(dir);
                if (previous.isPresent()) {
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("time", Instant.now().toString());
                    rec.put("key", key);
                    rec.put("operator", operator);
                    rec.put("os_user", System.getProperty("user.name", "unknown"));
                    rec.put("host", Engine.host());
                    rec.put("pid", ProcessHandle.current().pid());
                    rec.put("reason", reason);
                    rec.put("holder", previous.get().toMap());
                    rec.put("holder_run_finished", previous.get().runFinished().orElse(null));
                    LockFiles.appendLine(lockDir.resolve("unlocks.jsonl"), JSON.writeValueAsString(rec));
                    Files.deleteIfExists(dir.resolve(OWNER));
                    AtomicFiles.fsyncDirectory(dir);
                }
                return previous;
            }
        }
    }

    /** The owner record of a key: the holder, or a holder that died without releasing; empty when free. */
    public static Optional<Holder> holder(Path lockDir, String key) {
        return read(lockDir.resolve(LockFiles.fileName(key)));
    }

    /** Where the owner record of a key lives (for operators reading it by hand, and for tests that forge one). */
    public static Path ownerFile(Path lockDir, String key) {
        return lockDir.resolve(LockFiles.fileName(key)).resolve(OWNER);
    }

    /** Where {@code cutover unlock} records what it removed. */
    public static Path unlockLog(Path lockDir) {
        return lockDir.resolve("unlocks.jsonl");
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /**
     * The record of a live holder. Its owner record may lag a moment behind its OS lock (taken, record
     * not yet renamed into place), so a record naming a dead process is read again for up to a second.
     */
    private static Holder liveHolder(Path dir) {
        Optional<Holder> h = read(dir);
        for (int i = 0; i < 50 && (h.isEmpty() || !h.get().processAlive()); i++) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            h = read(dir);
        }
        return h.orElse(null);
    }

    private static Optional<Holder> read(Path dir) {
        try {
            byte[] b = Files.readAllBytes(dir.resolve(OWNER));
            return Optional.of(Holder.fromMap(JSON.readValue(new String(b, StandardCharsets.UTF_8), Map.class)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // written by one atomic rename, so this is not a torn write: an unreadable record still marks the key held
            return Optional.of(new Holder(null, "(unreadable owner record: " + e.getMessage() + ")", null, null, null,
                    "?", 0, null, Instant.EPOCH.toString()));
        }
    }

    /** The holder record this lock wrote. */
    public Holder holder() {
        return me;
    }

    /** Releases the lock if this process still holds it; a second call does nothing. */
    @Override
    public void close() throws IOException {
        if (remote != null) {
            synchronized (this) {
                if (!closed) {
                    closed = true;
                    try {
                        remote.close();
                    } catch (IOException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
            }
            return;
        }
        synchronized (HELD_HERE) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                Optional<Holder> now = read(dir);
                if (now.isPresent() && now.get().equals(me)) {
                    Files.deleteIfExists(dir.resolve(OWNER));
                    AtomicFiles.fsyncDirectory(dir);
                }
            } finally {
                HELD_HERE.remove(dir, this);
                try {
                    lock.release();
                } finally {
                    channel.close();
                }
            }
        }
    }
}
