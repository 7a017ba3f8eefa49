package dev.cutover.team;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cutover runs} against the store: newest first, filtered by runbook, status, operator and start time;
 * each filter is served by an index ({@code runs_by_*}), so the answer does not depend on how many runs the
 * store holds.
 *
 * @param runbook  exact runbook name, or null
 * @param status   exact status (SUCCEEDED, ROLLED_BACK, UNFINISHED, ...), or null
 * @param operator exact operator, or null
 * @param since    runs started at or after, or null
 * @param limit    at most this many
 */
public record RunsQuery(String runbook, String status, String operator, Instant since, int limit) {
    List<Map<String, Object>> execute(Connection c) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT run_id, runbook, status, started, last_time, finished, operator, "
                + "os_user, host, rehearsal FROM runs WHERE true");
        List<Object> args = new ArrayList<>();
        if (runbook != null) {
            sql.append(" AND runbook = ?");
            args.add(runbook);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (operator != null) {
            sql.append(" AND operator = ?");
            args.add(operator);
        }
        if (since != null) {
            sql.append(" AND started >= ?");
            args.add(java.sql.Timestamp.from(since));
        }
        sql.append(" ORDER BY started DESC, run_id DESC LIMIT ?");
        args.add(limit);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("run_id", r.getString("run_id"));
                    m.put("runbook", r.getString("runbook"));
                    boolean rehearsal = r.getBoolean("rehearsal");
                    m.put("status", r.getString("status") + (rehearsal ? "*" : ""));
                    m.put("rehearsal", rehearsal);
                    Instant started = r.getTimestamp("started").toInstant();
                    Instant last = r.getTimestamp("last_time").toInstant();
                    m.put("started", started.toString());
                    m.put("duration", dev.cutover.spi.Durations.format(java.time.Duration.between(started, last)));
                    m.put("operator", r.getString("operator"));
                    m.put("os_user", r.getString("os_user"));
                    m.put("host", r.getString("host"));
                    rows.add(m);
                }
            }
        }
        return rows;
    }
}
