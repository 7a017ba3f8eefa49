package dev.cutover.team;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.util.Arrays;
import java.util.List;

/**
 * The team store's schema, versioned with Flyway ({@code db/migration/V*__*.sql} in this jar). Applied on
 * first use; a store whose schema is newer than this binary knows is refused, since an older cutover could
 * write what a newer one no longer accepts.
 */
final class Schema {
    /** Flyway's history table, named so it cannot clash with an application's own. */
    static final String HISTORY = "cutover_schema_history";

    private Schema() {
    }

    /** What happened: the version now, and how many migrations were applied (0 when it was current). */
    record Result(String version, int applied) {
    }

    static Result ensure(DataSource ds, String where) throws StoreException {
        Flyway flyway = Flyway.configure(Schema.class.getClassLoader()).dataSource(ds)
                .locations("classpath:db/migration").table(HISTORY).load();
        try {
            MigrationInfo[] all = flyway.info().all();
            List<MigrationInfo> future = Arrays.stream(all).filter(i -> i.getState() == MigrationState.FUTURE_SUCCESS
                    || i.getState() == MigrationState.FUTURE_FAILED).toList();
            String known = Arrays.stream(all).filter(i -> i.getState() != MigrationState.FUTURE_SUCCESS
                    && i.getState() != MigrationState.FUTURE_FAILED && i.getVersion() != null)
                    .map(i -> i.getVersion().getVersion()).reduce((a, b) -> b).orElse("none");
            if (!future.isEmpty()) {
                throw new StoreException("the team store " + where + " has schema version "
                        + future.get(future.size() - 1).getVersion() + ", newer than this cutover knows (up to "
                        + known + "): a newer cutover set it up. Use that version of cutover (or newer); nothing was "
                        + "read or written");
            }
            if (flyway.info().pending().length == 0) {
                MigrationInfo current = flyway.info().current();
                return new Result(current == null ? "none" : current.getVersion().getVersion(), 0);
            }
            MigrateResult r = flyway.migrate();
            return new Result(r.targetSchemaVersion, r.migrationsExecuted);
        } catch (org.flywaydb.core.api.FlywayException e) {
            throw new StoreException("cannot set up the team store's schema in " + where + ": "
                    + firstLine(e.getMessage()) + ". The first use must be by a role that may create tables there (the "
                    + "store's owner, see docs/team.md)", e);
        }
    }

    private static String firstLine(String s) {
        return s == null ? "unknown error" : s.lines().filter(l -> !l.isBlank()).findFirst().orElse(s).strip();
    }
}
