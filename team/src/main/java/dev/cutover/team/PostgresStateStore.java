package dev.cutover.team;

import dev.cutover.approval.ApprovalCheck;
import dev.cutover.approval.SignedApproval;
import dev.cutover.journal.Canonical;
import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.OsIdentity;
import dev.cutover.journal.PrivateFiles;
import dev.cutover.run.Recovery;
import dev.cutover.run.RunLock;
import dev.cutover.state.JournalMirror;
import dev.cutover.state.StateStore;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The team's shared state on PostgreSQL: journals (same canonical lines and hash chain as on disk), leases for
 * locks and for the right to write a run's journal, and approvals given from other machines.
 */
public final class PostgresStateStore implements StateStore, AutoCloseable {
    /** The lease that gives the right to append to a run's journal. */
    static final String JOURNAL = "journal/";
    /** The lease behind a {@link RunLock} key. */
    static final String LOCK = "lock/";

    private final TeamConfig config;
    private final PGSimpleDataSource ds;
    private final Leases leases;
    private final ScheduledExecutorService heartbeats;
    private final Webhooks webhooks;
    /** Leases this process holds for a run (its locks): an append to the run's journal is fenced by each. */
    private final Map<String, List<Leases.Held>> heldByRun = new ConcurrentHashMap<>();

    private PostgresStateStore(TeamConfig config, PGSimpleDataSource ds) {
        this.config = config;
        this.ds = ds;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        this.leases = new Leases(this::connect, config.lease(), heartbeats);
        this.webhooks = new Webhooks(config.webhooks(), config.url());
    }

    /**
     * Connects, checks the schema (applying it on first use, and telling {@code notices} so) and returns the
     * store; refuses a schema newer than this cutover knows.
     */
    public static PostgresStateStore open(TeamConfig config, Consumer<String> notices) throws StoreException {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(config.jdbcUrl());
        if (config.user() != null) {
            ds.setUser(config.user());
        }
        if (config.password() != null) {
            ds.setPassword(config.password());
        }
        PostgresStateStore s = new PostgresStateStore(config, ds);
        try (Connection c = s.connect()) {
            c.isValid(5);
        } catch (SQLException e) {
            s.close();
            throw new StoreException("cannot reach the team store " + config.url() + " (from " + config.source() + "): "
                    + describe(e) + ". Check the URL, that the server is up, its certificate (sslmode=verify-full "
                    + "checks it against ~/.postgresql/root.crt unless the URL sets sslrootcert=) and the password "
                    + "source; nothing was run");
        }
        try {
            Schema.Result r = Schema.ensure(ds, config.url());
            if (r.applied() > 0) {
                notices.accept("cutover: set up the team store's schema in " + config.url() + ": now version "
                        + r.version() + " (" + r.applied() + " migration(s) applied by Flyway)");
            }
        } catch (StoreException e) {
            s.close();
            throw e;
        }
        return s;
    }

    Connection connect() throws SQLException {
        Connection c = ds.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("SET synchronous_commit = on"); // committed means on disk, whatever the server's default
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** A driver error in one line, without anything a user did not type (the driver never echoes passwords). */
    static String describe(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
                .orElse("").strip();
        return m + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]");
    }

    private IOException unreachable(SQLException e) {
        return new IOException("the team store " + config.url() + " is unreachable: " + describe(e), e);
    }

    @Override
    public String describe() {
        return config.url();
    }

    /** Where the store is and what it was configured from. */
    public TeamConfig config() {
        return config;
    }

    @Override
    public JournalMirror openJournal(String runId, List<JournalEvent> existing) throws IOException {
        String operator = existing.isEmpty() ? OsIdentity.user() : existing.get(0).operator();
        RunLock.Holder me = RunLock.Holder.forThisProcess(JOURNAL + runId, runId, null, operator);
        Leases.Held lease;
        try {
            // an expired writer's lease is taken over: a journal is reopened only by the resume or rollback that
            // claimed its run (after checking the writer gone), or to seal a finished run
            lease = leases.acquire(JOURNAL + runId, me, cur -> true);
        } catch (RunLock.HeldException e) {
            throw new IOException("run " + runId + "'s journal is being written by " + e.holder() + ", whose lease in "
                    + "the team store is live; nothing was written");
        } catch (SQLException e) {
            throw unreachable(e);
        }
        Connection c = null;
        try {
            c = connect();
            reconcile(c, runId, existing, lease);
            StoreJournal j = new StoreJournal(c, lease, () -> heldByRun.getOrDefault(runId, List.of()), webhooks);
            if (!existing.isEmpty()) {
                webhooks.started(existing.get(0));
            }
            return j;
        } catch (SQLException | IOException e) {
            try {
                lease.close();
            } catch (IOException ignored) {
                // it expires by itself
            }
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // nothing uncommitted
                }
            }
            throw e instanceof IOException io ? io : unreachable((SQLException) e);
        }
    }

    /** Adds to the store the events of the local journal it lacks; refuses when the two differ. */
    private void reconcile(Connection c, String runId, List<JournalEvent> local, Leases.Held lease)
            throws SQLException, IOException {
        long storeLast = 0;
        String storeHash = null;
        try (PreparedStatement s = c.prepareStatement("SELECT seq, hash FROM journal_events WHERE run_id = ? ORDER BY "
                + "seq DESC LIMIT 1")) {
            s.setString(1, runId);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    storeLast = r.getLong(1);
                    storeHash = r.getString(2);
                }
            }
        }
        if (storeLast > local.size()) {
            throw new IOException("the team store holds " + storeLast + " events of run " + runId + ", the local "
                    + "journal only " + local.size() + ": run the command again (cutover first copies the store's "
                    + "events into the local journal); nothing was written");
        }
        if (storeLast > 0 && !local.get((int) storeLast - 1).hash().equals(storeHash)) {
            throw new IOException("the local journal of run " + runId + " differs from the team store's at event "
                    + storeLast + ": one of them was changed. Compare them ('cutover verify' each) before going on; "
                    + "nothing was written");
        }
        for (JournalEvent e : local.subList((int) storeLast, local.size())) {
            StoreJournal.insert(c, e, lease, List.of()); // the local tail of a run stopped while the store was away
        }
    }

    @Override
    public RunLock.Acquired acquireLock(String key, String runId, Path runDir, String operator,
                                        Set<String> mayTakeOverFrom) throws IOException, RunLock.HeldException {
        RunLock.Holder me = RunLock.Holder.forThisProcess(key, runId, runDir, operator);
        Leases.Held h;
        try {
            h = leases.acquire(LOCK + key, me, cur -> mayTakeOverFrom.contains(cur.runId()) || finished(cur.runId()));
        } catch (SQLException e) {
            throw unreachable(e);
        }
        List<Leases.Held> mine = heldByRun.computeIfAbsent(runId, k -> new CopyOnWriteArrayList<>());
        mine.add(h);
        return new RunLock.Acquired(RunLock.held(me, () -> {
            mine.remove(h);
            h.close();
        }), h.previous);
    }

    /** Whether the store records the run as finished (any status); false when it does not know the run. */
    boolean finished(String runId) {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT status FROM runs WHERE run_id = ?")) {
            s.setString(1, runId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && !"UNFINISHED".equals(r.getString(1));
            }
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void checkWriterGone(String runId) throws Recovery.RefusedException {
        Optional<Leases.Current> cur;
        try {
            cur = leases.current(JOURNAL + runId);
        } catch (SQLException e) {
            throw new Recovery.RefusedException("cannot tell from the team store " + config.url() + " whether run "
                    + runId + " is still running (" + describe(e) + "); nothing was written");
        }
        if (cur.isPresent() && cur.get().live()) {
            throw new Recovery.RefusedException("run " + runId + " is still being written by " + cur.get().holder()
                    + ": its lease in the team store is renewed while that process lives (it expires "
                    + config.lease().toSeconds() + "s after its last heartbeat). Resume is for a run whose process "
                    + "died; wait for it to finish or stop it. Nothing was written");
        }
    }

    @Override
    public boolean download(String runId, Path runDir) throws IOException {
        List<String> lines = lines(runId, 0);
        if (lines.isEmpty()) {
            return false;
        }
        Path file = runDir.resolve(Journal.FILE_NAME);
        if (!Files.exists(file)) {
            PrivateFiles.createDirectories(runDir);
            Path tmp = Files.createTempFile(runDir, ".journal", ".tmp", PrivateFiles.file());
            try {
                Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        }
        List<String> local = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (local.size() >= lines.size()) {
            return true; // as long as the store's, or a tail the store lacks (reconciled by resume)
        }
        if (!local.equals(lines.subList(0, local.size()))) {
            throw new IOException("the local journal " + file + " differs from the team store's copy of run " + runId
                    + "; verify both before going on");
        }
        Files.writeString(file, String.join("\n", lines.subList(local.size(), lines.size())) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return true;
    }

    /** The canonical journal lines of a run after event {@code afterSeq}, in order. */
    public List<String> lines(String runId, long afterSeq) throws IOException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT line FROM journal_events WHERE run_id = ? AND seq > ? "
                     + "ORDER BY seq")) {
            s.setString(1, runId);
            s.setLong(2, afterSeq);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
        return out;
    }

    /**
     * Who writes a run's journal.
     *
     * @param holder the process holding (or last holding) the lease
     * @param live   whether its lease is live
     */
    public record Writer(RunLock.Holder holder, boolean live) {
    }

    /** The holder of a run's journal lease and whether it is live; empty when none holds it. */
    public Optional<Writer> writer(String runId) throws IOException {
        try {
            return leases.current(JOURNAL + runId).map(c -> new Writer(c.holder(), c.live()));
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /**
     * Records a signed approval given on any machine, for the run's approval step to pick up.
     *
     * @return false when this key had approved the step already
     */
    public boolean putApproval(SignedApproval a) throws IOException {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("INSERT INTO approvals (run_id, step, fingerprint, approver, "
                     + "approval) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, a.run());
            s.setString(2, a.step());
            s.setString(3, a.fingerprint());
            s.setString(4, a.approver());
            s.setString(5, Canonical.encode(a.fields()));
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    @Override
    public void fetchApprovals(String runId, String step, Path stepDir) throws IOException {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT fingerprint, approval FROM approvals WHERE run_id = ? "
                     + "AND step = ? ORDER BY given_at")) {
            s.setString(1, runId);
            s.setString(2, step);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Path file = ApprovalCheck.file(stepDir.getParent().getParent(), step, r.getString(1));
                    SignedApproval a = SignedApproval.of(Canonical.MAPPER.readValue(r.getString(2),
                            new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }));
                    if (a != null && !Files.exists(file)) {
                        ApprovalCheck.write(file, a); // counted (or rejected, with why) by the approval step's check
                    }
                }
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /** The runs the store holds, newest first. */
    public List<Map<String, Object>> runs(RunsQuery q) throws IOException {
        try (Connection c = connect()) {
            return q.execute(c);
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /** Stops the heartbeats; leases still held expire by themselves. */
    @Override
    public void close() {
        webhooks.flush();
        heartbeats.shutdownNow();
    }
}
