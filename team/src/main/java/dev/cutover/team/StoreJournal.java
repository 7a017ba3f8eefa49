package dev.cutover.team;

import dev.cutover.journal.JournalEvent;
import dev.cutover.state.JournalMirror;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Supplier;

/**
 * One run's journal in the store, written by the process that holds its lease. Each event is inserted in its
 * own transaction that first checks, with the rows locked, that every lease this process holds for the run is
 * still its own and live (the fencing tokens): a process that lost its lease (paused, partitioned, taken over)
 * writes nothing. The insert trigger refuses a gap or a fork in the chain; the commit is synchronous.
 */
final class StoreJournal implements JournalMirror {
    private final Connection connection;
    private final Leases.Held lease;
    private final Supplier<List<Leases.Held>> alsoHeld;
    private final Webhooks webhooks;

    StoreJournal(Connection connection, Leases.Held lease, Supplier<List<Leases.Held>> alsoHeld, Webhooks webhooks) {
        this.connection = connection;
        this.lease = lease;
        this.alsoHeld = alsoHeld;
        this.webhooks = webhooks;
    }

    @Override
    public synchronized void append(JournalEvent event) throws IOException {
        try {
            insert(connection, event, lease, alsoHeld.get());
        } catch (SQLException e) {
            throw new IOException(PostgresStateStore.describe(e), e);
        }
        webhooks.observe(event);
    }

    /**
     * Inserts one event under the fencing tokens of {@code lease} and {@code others} and commits it: one statement,
     * one round trip. The insert happens only if every lease row is, with the row locked against a takeover until
     * the commit, still this process's token and live; otherwise nothing is written and the reason is thrown.
     */
    static void insert(Connection c, JournalEvent event, Leases.Held lease, List<Leases.Held> others)
            throws SQLException, IOException {
        List<Leases.Held> fences = new java.util.ArrayList<>();
        fences.add(lease);
        fences.addAll(others);
        StringBuilder sql = new StringBuilder("INSERT INTO journal_events (run_id, seq, event, time, prev, hash, line, "
                + "token) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE true");
        for (int i = 0; i < fences.size(); i++) {
            sql.append(" AND EXISTS (SELECT 1 FROM leases WHERE key = ? AND token = ? AND expires_at > now() FOR SHARE)");
        }
        c.setAutoCommit(true); // the statement is its own transaction: committed (synchronously) when it returns
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            s.setString(1, event.run());
            s.setLong(2, event.seq());
            s.setString(3, event.event());
            s.setObject(4, OffsetDateTime.parse(event.time()));
            s.setString(5, event.prev());
            s.setString(6, event.hash());
            s.setString(7, event.toLine());
            s.setLong(8, lease.token);
            int p = 9;
            for (Leases.Held h : fences) {
                s.setString(p++, h.key);
                s.setLong(p++, h.token);
            }
            if (s.executeUpdate() == 1) {
                return;
            }
        }
        for (Leases.Held h : fences) {
            fenced(c, h);
        }
        throw new IOException("the team store refused event " + event.seq() + " of run " + event.run() + " (a lease "
                + "of this process changed while it was written); it writes and changes nothing more");
    }

    /** Throws why this process no longer holds {@code h}; returns when it still does. */
    private static void fenced(Connection c, Leases.Held h) throws SQLException, IOException {
        try (PreparedStatement s = c.prepareStatement("SELECT token, expires_at > now() FROM leases WHERE key = ?")) {
            s.setString(1, h.key);
            try (ResultSet r = s.executeQuery()) {
                String why = !r.next() ? "released" : r.getLong(1) != h.token ? "superseded: another process took it "
                        + "over" : !r.getBoolean(2) ? "expired" : null;
                if (why != null) {
                    throw new IOException("this process no longer holds '" + h.key + "' in the team store (its fencing "
                            + "token " + h.token + " is " + why + "); it writes and changes nothing more");
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            webhooks.flush();
            lease.close();
        } catch (IOException e) {
            // the lease expires by itself; the journal's events are committed
        } finally {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // nothing uncommitted is left on it
            }
        }
    }
}
