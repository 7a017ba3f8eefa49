package dev.cutover.postgres;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code postgres.query}: runs one SQL query in a read-only transaction and outputs its rows, for
 * facts such as {@code SHOW ssl}; optionally fails unless the first row has the expected values.
 */
public final class QueryStep implements Check {

    @Override
    public String id() {
        return "postgres.query";
    }

    @Override
    public String description() {
        return "Run one SQL query in a read-only transaction and output its rows.";
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> specs = new ArrayList<>(PgConnections.INPUTS);
        specs.add(InputSpec.required("sql", InputType.STRING, "the query, e.g. SHOW ssl").refusingSecrets());
        specs.add(InputSpec.optional("max_rows", InputType.INT, 100, "rows to output at most"));
        specs.add(InputSpec.optional("expect", InputType.MAP, null,
                "column -> value the first row must have, compared as text"));
        return List.copyOf(specs);
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.CHECKS_NEW_CONNECTION);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.list("columns", "the column names, in order"),
                OutputSpec.list("rows", "at most max_rows rows, each {column: value}"),
                OutputSpec.integer("row_count", "how many rows are in 'rows'"),
                OutputSpec.bool("truncated", "whether more rows came back than max_rows"),
                OutputSpec.string("value", "the first column of the first row as text ('' when there is none)"));
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        String sql = in.string("sql");
        long maxRows = in.integer("max_rows");
        if (maxRows < 1) {
            throw new StepFailedException("max_rows must be at least 1, got " + maxRows);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        boolean truncated = false;
        try (Connection c = PgConnections.open(context)) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnLabel(i));
                }
                while (rs.next()) {
                    if (rows.size() >= maxRows) {
                        truncated = true;
                        break;
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= columns.size(); i++) {
                        row.put(columns.get(i - 1), jsonValue(rs.getObject(i)));
                    }
                    rows.add(row);
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new StepFailedException("query failed: " + PgConnections.describe(e, context));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("columns", columns);
        out.put("rows", rows);
        out.put("row_count", rows.size());
        out.put("truncated", truncated);
        Object first = rows.isEmpty() || columns.isEmpty() ? null : rows.get(0).get(columns.get(0));
        out.put("value", first == null ? "" : first.toString());
        if (in.has("expect")) {
            check(in.map("expect"), rows, sql, out);
        }
        return StepResult.done(out);
    }

    private static void check(Map<String, Object> expect, List<Map<String, Object>> rows, String sql,
                              Map<String, Object> out) throws StepFailedException {
        if (rows.isEmpty()) {
            throw new StepFailedException("'" + sql + "' returned no rows; expected " + expect, out, null);
        }
        Map<String, Object> row = rows.get(0);
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Object> e : expect.entrySet()) {
            if (!row.containsKey(e.getKey())) {
                wrong.add("no column '" + e.getKey() + "' (columns: " + row.keySet() + ")");
            } else if (!Objects.equals(String.valueOf(row.get(e.getKey())), String.valueOf(e.getValue()))) {
                wrong.add(e.getKey() + " is '" + row.get(e.getKey()) + "', expected '" + e.getValue() + "'");
            }
        }
        if (!wrong.isEmpty()) {
            throw new StepFailedException("'" + sql + "': " + String.join("; ", wrong), out, null);
        }
    }

    private static Object jsonValue(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof Short) {
            return v;
        }
        return v.toString();
    }
}
