package dev.cutover.journal;

import dev.cutover.secrets.Masker;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The append-only, hash-chained step journal of one run. Every {@link #append} is written and
 * fsync'd before it returns, so the engine never goes on before the event is on disk. An event
 * added with {@link #appendBuffered} is written at once but reaches the disk with the next
 * {@link #append}'s fsync (one fsync covers both), for events within one step's boundary that
 * nothing can change after: a step's {@code step.started} directly followed by its
 * {@code step.intent}.
 */
public final class Journal implements Closeable {
    public static final String FILE_NAME = "journal.jsonl";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

    /** Test hook for the crash harness: after fsync'ing this event number, stop and wait to be killed. */
    private static final long PAUSE_AFTER = Long.getLong("cutover.test.pauseAfterEvent", -1);
    private static final long FAIL_AFTER = Long.getLong("cutover.test.failJournalAfterEvent", -1);

    private final Path file;
    private final FileChannel channel;
    private final String runId;
    private final String operator;
    private final Masker masker;
    private final Clock clock;
    private final List<JournalEvent> events = new ArrayList<>();
    private long seq;
    private String lastHash;
    /** Whether an event was written since the last fsync ({@link #appendBuffered}). */
    private boolean unforced;

    private Journal(Path file, FileChannel channel, String runId, String operator, Masker masker, Clock clock,
                    List<JournalEvent> existing) {
        this.file = file;
        this.channel = channel;
        this.runId = runId;
        this.operator = operator;
        this.masker = masker;
        this.clock = clock;
        this.events.addAll(existing);
        this.seq = existing.isEmpty() ? 0 : existing.get(existing.size() - 1).seq();
        this.lastHash = existing.isEmpty() ? JournalEvent.GENESIS : existing.get(existing.size() - 1).hash();
    }

    /** Creates a new journal in {@code runDirectory}; fails if one exists. */
    public static Journal create(Path runDirectory, String runId, String operator, Masker masker) throws IOException {
        PrivateFiles.createDirectories(runDirectory); // 0700, and the journal 0600, whatever the umask
        Path file = runDirectory.resolve(FILE_NAME);
        FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), PrivateFiles.file());
        fsyncDirectory(runDirectory);
        return new Journal(file, ch, runId, operator, masker, Clock.systemUTC(), List.of());
    }

    /**
     * Opens an existing journal to append to it (resume, later rollback). A torn last line is cut
     * off first, and reported through the returned journal's {@link #repairedTail()}.
     */
    public static Journal reopen(Path runDirectory, String operator, Masker masker) throws IOException {
        Path file = runDirectory.resolve(FILE_NAME);
        JournalReader.ReadResult read = JournalReader.read(file);
        if (read.tornTail() != null) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(read.validBytes());
                ch.force(true);
            }
        }
        if (read.events().isEmpty()) {
            throw new IOException(file + " holds no complete event");
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        Journal j = new Journal(file, ch, read.events().get(0).run(), operator, masker, Clock.systemUTC(),
                read.events());
        j.repaired = read.tornTail();
        return j;
    }

    private String repaired;

    /** The torn last line removed on {@link #reopen}, or null when the tail was whole. */
    public String repairedTail() {
        return repaired;
    }

    /**
     * Appends one event (data masked), fsyncs it, and returns it.
     *
     * @param step    may be null
     * @param section may be null
     * @param attempt may be null
     */
    public synchronized JournalEvent append(String event, String step, String section, Integer attempt,
                                            Map<String, Object> data) {
        return write(event, step, section, attempt, data, true);
    }

    /** Appends one event of the engine's typed payloads (data masked), fsyncs it, and returns it. */
    public JournalEvent append(String step, String section, Integer attempt, Payload payload) {
        return append(payload.type().wireName(), step, section, attempt, payload.data());
    }

    /** {@link #appendBuffered(String, String, String, Integer, Map)} with a typed payload. */
    public JournalEvent appendBuffered(String step, String section, Integer attempt, Payload payload) {
        return appendBuffered(payload.type().wireName(), step, section, attempt, payload.data());
    }

    /** {@link #append(String, String, String, Integer, Map)} with a typed event. */
    public JournalEvent append(EventType event, String step, String section, Integer attempt,
                               Map<String, Object> data) {
        return append(event.wireName(), step, section, attempt, data);
    }

    /** {@link #appendBuffered(String, String, String, Integer, Map)} with a typed event. */
    public JournalEvent appendBuffered(EventType event, String step, String section, Integer attempt,
                                       Map<String, Object> data) {
        return appendBuffered(event.wireName(), step, section, attempt, data);
    }

    /**
     * Appends one event (data masked) and writes it without an fsync of its own: it reaches the
     * disk with the next {@link #append} (whose fsync covers every byte before it) or with
     * {@link #close}. A process crash loses nothing (the bytes are in the kernel); a power loss
     * before the next fsync loses this event, so use it only when nothing changes before the next
     * {@link #append}, e.g. a mutating step's {@code step.started} followed by its
     * {@code step.intent}.
     *
     * @param step    may be null
     * @param section may be null
     * @param attempt may be null
     */
    public synchronized JournalEvent appendBuffered(String event, String step, String section, Integer attempt,
                                                    Map<String, Object> data) {
        return write(event, step, section, attempt, data, false);
    }

    /** The fleet host the current thread works for (its events carry {@code host}); null: none. */
    private static final ThreadLocal<String> HOST = new ThreadLocal<>();

    /**
     * Marks the events this thread appends from now on as a fleet host's ({@code "host": NAME} in their
     * data), or, with null, as the run's own.
     */
    public static void onHost(String host) {
        if (host == null) {
            HOST.remove();
        } else {
            HOST.set(host);
        }
    }

    /** The fleet host this thread works for, or null. */
    public static String currentHost() {
        return HOST.get();
    }

    @SuppressWarnings("unchecked")
    private JournalEvent write(String event, String step, String section, Integer attempt, Map<String, Object> data,
                               boolean force) {
        Map<String, Object> masked = new java.util.LinkedHashMap<>();
        String host = HOST.get();
        if (host != null && (data == null || !data.containsKey("host"))) {
            masked.put("host", host); // an event of a fleet host's step says which host
        }
        if (data != null) {
            // a Verbatim value is recorded as it is (it holds no secret, only references to them); every other
            // value has every known secret masked
            data.forEach((k, v) -> masked.put(k, v instanceof Verbatim vb ? vb.value() : masker.maskValue(v)));
        }
        String time = TIME.format(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS));
        JournalEvent unsigned = new JournalEvent(seq + 1, time, runId, event, step, section, attempt, operator,
                masked, lastHash, null);
        String hash = JournalEvent.computeHash(unsigned.hashedFields());
        JournalEvent e = new JournalEvent(seq + 1, time, runId, event, step, section, attempt, operator, masked,
                lastHash, hash);
        byte[] line = (e.toLine() + "\n").getBytes(StandardCharsets.UTF_8);
        long before = -1;
        try {
            before = channel.position();
            if (FAIL_AFTER >= 0 && seq >= FAIL_AFTER) {
                throw new IOException("No space left on device (injected by cutover.test.failJournalAfterEvent)");
            }
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            if (force) {
                channel.force(false);
            }
        } catch (IOException ex) {
            // cut off whatever part of the line reached the file, so the journal stays a valid chain that a
            // later resume can append to
            if (before >= 0) {
                try {
                    channel.truncate(before);
                    channel.position(before);
                } catch (IOException ignored) {
                    // the line may stay torn; resume cuts a torn last line off and reports it
                }
            }
            throw new JournalWriteException(file, ex);
        }
        unforced = !force;
        seq++;
        lastHash = hash;
        events.add(e);
        if (seq == PAUSE_AFTER) {
            pauseForCrashTest();
        }
        return e;
    }

    private void pauseForCrashTest() {
        System.err.println("cutover-test: paused after event " + seq);
        System.err.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                // keep waiting for SIGKILL
            }
        }
    }

    public Path file() {
        return file;
    }

    public String runId() {
        return runId;
    }

    public String lastHash() {
        return lastHash;
    }

    /** Every event written or read so far, in order. */
    public synchronized List<JournalEvent> events() {
        return Collections.unmodifiableList(new ArrayList<>(events));
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            if (unforced && channel.isOpen()) {
                channel.force(false);
                unforced = false;
            }
        } finally {
            channel.close();
        }
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open directories; the file's own fsync still holds
        }
    }
}
