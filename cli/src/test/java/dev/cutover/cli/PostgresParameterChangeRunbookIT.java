package dev.cutover.cli;

import dev.cutover.demo.DemoEnvironment;
import dev.cutover.spi.AtomicFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * runbooks/postgres-parameter-change.yaml against the demo environment's real PostgreSQL: a reloadable
 * parameter changes and new sessions see it; a value the server rejects rolls back byte for byte and new
 * sessions see the old value; {@code rehearse --fail-each} proves every rollback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresParameterChangeRunbookIT {
    private static Path work;
    private static DemoEnvironment env;
    private static Path runbook;
    private static Path autoConf;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("cutover-pg-parameter-it-");
        env = DemoEnvironment.start(work.resolve("env"));
        Path runbooks = Files.createDirectories(work.resolve("runbooks"));
        Files.copy(Path.of("..", "runbooks", "postgres-parameter-change.yaml"), runbooks.resolve(
                "postgres-parameter-change.yaml"));
        Files.createDirectories(runbooks.resolve("templates"));
        Files.copy(Path.of("..", "runbooks", "templates", "postgresql.auto.conf.tmpl"), runbooks.resolve(
                "templates/postgresql.auto.conf.tmpl"));
        runbook = runbooks.resolve("postgres-parameter-change.yaml");
        Path dataDir = env.dbCertFile().getParent().resolve("data");
        autoConf = dataDir.resolve("postgresql.auto.conf");
        Files.createDirectories(runbooks.resolve("environments"));
        Files.writeString(runbooks.resolve("environments/it.yaml"), "data_dir: " + dataDir + "\n"
                + "db_admin_url: \"" + env.dbAdminJdbcUrl() + "\"\n"
                + "db_admin_user: " + env.dbAdminUser() + "\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (env != null) {
            env.close();
        }
        Trees.delete(work);
    }

    private static CliRun cutover(String command, String... more) {
        return new LibraryRunbook(runbook, work.resolve("state"), env.secretEnv()).cutover(command, more);
    }

    /** What a brand-new session sees. */
    private static String show() throws Exception {
        try (Connection c = DriverManager.getConnection(env.dbAdminJdbcUrl(), env.dbAdminUser(),
                env.dbAdminPassword()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SHOW log_min_duration_statement")) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    @Order(1)
    void setsTheParameterAndNewSessionsSeeIt() throws Exception {
        CliRun plan = cutover("plan", "--set", "value=250ms");
        assertEquals(0, plan.exit(), plan.all());
        assertTrue(plan.out().contains("+log_min_duration_statement = '250ms'"), plan.out());

        CliRun r = cutover("run", "--set", "value=250ms", "--yes");

        assertEquals(0, r.exit(), r.all());
        assertEquals("250ms", show());
        env.secretEnv().values().forEach(s -> assertFalse(r.all().contains(s), "a secret reached the console"));
    }

    @Test
    @Order(2)
    void aValueTheServerRejectsRollsBackByteForByte() throws Exception {
        String before = AtomicFiles.sha256(autoConf);

        CliRun r = cutover("run", "--set", "value=not-a-duration", "--yes");

        assertEquals(1, r.exit(), r.all());
        assertTrue(r.all().contains("ROLLED_BACK"), r.all());
        assertEquals(before, AtomicFiles.sha256(autoConf), "postgresql.auto.conf is back byte for byte");
        assertEquals("250ms", show(), "new sessions see the previous value");
    }

    @Test
    @Order(3)
    void rehearseFailEachProvesEveryRollback() throws Exception {
        String before = AtomicFiles.sha256(autoConf);
        new LibraryRunbook(runbook, work.resolve("state"), env.secretEnv())
                .assertRehearsalProven(List.of("write-auto-conf", "reload"), "--set", "value=1s");
        assertEquals(before, AtomicFiles.sha256(autoConf));
        assertEquals("250ms", show());
    }
}
