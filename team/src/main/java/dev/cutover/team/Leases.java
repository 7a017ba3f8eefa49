package dev.cutover.team;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.run.RunLock;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Leases in the {@code leases} table: one holder per key, ever. A lease lives {@code lease} past its last
 * heartbeat (the database's clock decides, so machines' clocks do not matter); every new holder gets a new
 * fencing token from a sequence, and a holder whose lease expired can neither renew it nor write with its
 * old token. A live lease is never taken over; an expired one only when the caller's rule allows.
 */
final class Leases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Store store;
    private final Duration lease;
    private final ScheduledExecutorService heartbeats;

    Leases(Store store, Duration lease, ScheduledExecutorService heartbeats) {
        this.store = store;
        this.lease = lease;
        this.heartbeats = heartbeats;
    }

    /** Opens connections to the store. */
    interface Store {
        Connection connect() throws SQLException;
    }

    /** A key's current or last holder, and whether its lease is still live. */
    record Current(RunLock.Holder holder, boolean live, String runId) {
    }

    /** A lease this process holds; renewed until {@link #close()} or until it is lost. */
    final class Held implements AutoCloseable {
        final String key;
        final long token;
        final RunLock.Holder holder;
        /** The expired holder this lease was taken over from; empty when the key was free. */
        final Optional<RunLock.Holder> previous;
        private final ScheduledFuture<?> beat;
        private volatile boolean lost;

        private Held(String key, long token, RunLock.Holder holder, Optional<RunLock.Holder> previous) {
            this.key = key;
            this.token = token;
            this.holder = holder;
            this.previous = previous;
            long every = Math.max(200, lease.toMillis() / 3);
            this.beat = heartbeats.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            if (lost) {
                return;
            }
            try (Connection c = store.connect();
                 PreparedStatement s = c.prepareStatement("UPDATE leases SET renewed_at = now(), expires_at = now() + "
                         + "make_interval(secs => ?) WHERE key = ? AND token = ? AND expires_at > now()")) {
                s.setDouble(1, lease.toMillis() / 1000.0);
                s.setString(2, key);
                s.setLong(3, token);
                if (s.executeUpdate() == 0) {
                    lost = true; // expired, or taken over: never renewed again, and appends fail on the token
                    beat.cancel(false);
                }
            } catch (SQLException e) {
                // unreachable for now: the next heartbeat tries again, and the lease expires if none gets through
            }
        }

        /** True once a heartbeat found the lease expired or taken over. */
        boolean lost() {
            return lost;
        }

        /** Stops renewing and gives the key up (if still ours); an unreachable store lets it expire instead. */
        @Override
        public void close() throws IOException {
            beat.cancel(false);
            try (Connection c = store.connect();
                 PreparedStatement s = c.prepareStatement("DELETE FROM leases WHERE key = ? AND token = ?")) {
                s.setString(1, key);
                s.setLong(2, token);
                s.executeUpdate();
            } catch (SQLException e) {
                throw new IOException("cannot release the lease on '" + key + "' in the team store ("
                        + e.getMessage() + "); it expires by itself in " + lease.toSeconds() + "s", e);
            }
        }
    }

    /**
     * Takes {@code key} for {@code me}, or throws naming the holder.
     *
     * @param mayTakeOver whether an expired holder's lease may be taken over; given its holder and run
     */
    Held acquire(String key, RunLock.Holder me, Predicate<Current> mayTakeOver)
            throws SQLException, RunLock.HeldException, IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Connection c = store.connect()) {
                c.setAutoCommit(false);
                Optional<Current> now = current(c, key, true);
                long token = nextToken(c);
                if (now.isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO leases (key, token, run_id, holder, "
                            + "expires_at) VALUES (?, ?, ?, ?, now() + make_interval(secs => ?)) ON CONFLICT (key) "
                            + "DO NOTHING")) {
                        s.setString(1, key);
                        s.setLong(2, token);
                        s.setString(3, me.runId());
                        s.setString(4, JSON.writeValueAsString(me.toMap()));
                        s.setDouble(5, lease.toMillis() / 1000.0);
                        if (s.executeUpdate() == 0) {
                            c.rollback();
                            continue; // another process inserted it just now: look again
                        }
                    }
                    c.commit();
                    return new Held(key, token, me, Optional.empty());
                }
                Current cur = now.get();
                if (cur.live()) {
                    c.rollback();
                    throw new RunLock.HeldException(me.key(), cur.holder(), false);
                }
                if (!mayTakeOver.test(cur)) {
                    c.rollback();
                    throw new RunLock.HeldException(me.key(), cur.holder(), true);
                }
                try (PreparedStatement s = c.prepareStatement("UPDATE leases SET token = ?, run_id = ?, holder = ?, "
                        + "acquired_at = now(), renewed_at = now(), expires_at = now() + make_interval(secs => ?) "
                        + "WHERE key = ? AND expires_at <= now()")) {
                    s.setLong(1, token);
                    s.setString(2, me.runId());
                    s.setString(3, JSON.writeValueAsString(me.toMap()));
                    s.setDouble(4, lease.toMillis() / 1000.0);
                    s.setString(5, key);
                    if (s.executeUpdate() != 1) {
                        c.rollback();
                        continue;
                    }
                }
                c.commit();
                return new Held(key, token, me, Optional.of(cur.holder()));
            }
        }
        throw new IOException("could not take '" + key + "' in the team store after 20 attempts (too much contention)");
    }

    /** The key's holder (live or expired); empty when free. */
    Optional<Current> current(String key) throws SQLException {
        try (Connection c = store.connect()) {
            return current(c, key, false);
        }
    }

    private static Optional<Current> current(Connection c, String key, boolean forUpdate) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT holder, expires_at > now(), run_id FROM leases WHERE "
                + "key = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Current(holder(r.getString(1)), r.getBoolean(2), r.getString(3)));
            }
        }
    }

    private static long nextToken(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT nextval('fencing_tokens')");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    static RunLock.Holder holder(String json) {
        try {
            return RunLock.Holder.fromMap(JSON.readValue(json, Map.class));
        } catch (IOException | RuntimeException e) {
            return new RunLock.Holder(null, "(unreadable holder record)", null, null, null, "?", 0, null, null);
        }
    }
}
