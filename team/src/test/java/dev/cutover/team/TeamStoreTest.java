package dev.cutover.team;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.journal.JournalWriteException;
import dev.cutover.run.RunLock;
import dev.cutover.secrets.Masker;
import dev.cutover.state.StateStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store against a real PostgreSQL with TLS (verify-full): schema on first use and a newer one refused,
 * the journal's rows equal to its file and chained, fencing, leases, and the certificate check.
 */
class TeamStoreTest {
    private static Path root;
    private static TestPostgres pg;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("team-store-test");
        pg = TestPostgres.start(root.resolve("pg"));
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    @AfterEach
    void uninstall() {
        StateStores.install(null);
    }

    private String newDatabase() throws SQLException {
        return pg.createDatabase("t" + DATABASES.incrementAndGet());
    }

    private static PostgresStateStore open(String url, String lease, List<String> notices) throws Exception {
        Map<String, String> env = Map.of("CUTOVER_STATE_LEASE", lease, "HOME", root.toString());
        return PostgresStateStore.open(TeamConfig.resolve(url, env).orElseThrow(), notices::add);
    }

    @Test
    void appliesTheSchemaOnFirstUseSaysSoAndRefusesASchemaNewerThanItKnows() throws Exception {
        String db = newDatabase();
        List<String> notices = new ArrayList<>();
        open(pg.url("postgres", db), "5s", notices).close();
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("set up the team store's schema") && notices.get(0).contains("version 1"),
                notices.get(0));
        open(pg.url("postgres", db), "5s", notices).close();
        assertEquals(1, notices.size(), "a current schema is not applied again: " + notices);

        pg.execute(db, List.of("INSERT INTO cutover_schema_history (installed_rank, version, description, type, "
                + "script, checksum, installed_by, execution_time, success) VALUES (99, '99', 'from the future', "
                + "'SQL', 'V99__from_the_future.sql', 0, 'postgres', 1, true)"));
        StoreException e = assertThrows(StoreException.class, () -> open(pg.url("postgres", db), "5s", notices));
        assertTrue(e.getMessage().contains("schema version 99, newer than this cutover knows (up to 1)"),
                e.getMessage());
    }

    @Test
    void refusesAServerWhoseCertificateItDoesNotTrust() throws Exception {
        String db = newDatabase();
        Path other = dir.resolve("other");
        TestPostgres.start(other).close(); // only for a second, unrelated self-signed certificate
        String url = "postgresql://postgres@localhost:" + pg.port() + "/" + db + "?sslrootcert="
                + other.resolve("server.crt");
        StoreException e = assertThrows(StoreException.class, () -> open(url, "5s", new ArrayList<>()));
        assertTrue(e.getMessage().startsWith("cannot reach the team store postgresql://postgres@localhost:"),
                e.getMessage());
        assertFalse(e.getMessage().contains(other.toString()), "the message shows the store, not its parameters");
        assertTrue(e.getMessage().contains("certificate"), e.getMessage());
        try (Connection c = pg.connect("postgres", db); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertTrue(r.next() && r.getBoolean(1), "the connection the store uses is TLS");
        }
    }

    @Test
    void storesEveryEventAsTheSameCanonicalLineAndRefusesAGapOrAFork() throws Exception {
        String db = newDatabase();
        try (PostgresStateStore store = open(pg.url("postgres", db), "5s", new ArrayList<>())) {
            StateStores.install(store);
            Path runDir = dir.resolve("runs").resolve("run-1");
            try (Journal j = Journal.create(runDir, "run-1", "alice", Masker.global())) {
                j.append("run.started", null, null, null, Map.of("runbook", "demo", "host", "h"));
                j.append("step.started", "a", "steps", 1, Map.of("uses", "shell.exec"));
                j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED", "exit_code", 0));
            }
            List<String> file = Files.readAllLines(runDir.resolve(Journal.FILE_NAME), StandardCharsets.UTF_8);
            assertEquals(file, store.lines("run-1", 0));
            assertEquals("SUCCEEDED", store.runs(new RunsQuery("demo", null, "alice", null, 10)).get(0).get("status"));

            JournalEvent last = JournalReader.read(runDir.resolve(Journal.FILE_NAME)).events().get(2);
            SQLException gap = assertThrows(SQLException.class, () -> insertRaw(db, "run-1", 5, last.hash()));
            assertTrue(gap.getMessage().contains("would leave a gap"), gap.getMessage());
            SQLException fork = assertThrows(SQLException.class, () -> insertRaw(db, "run-1", 4, "f".repeat(64)));
            assertTrue(fork.getMessage().contains("does not link to event 3"), fork.getMessage());
            SQLException twice = assertThrows(SQLException.class, () -> insertRaw(db, "run-1", 3, last.prev()));
            assertTrue(twice.getMessage().contains("duplicate key"), twice.getMessage());
        }
    }

    private static void insertRaw(String db, String run, long seq, String prev) throws SQLException {
        pg.execute(db, List.of("INSERT INTO journal_events (run_id, seq, event, time, prev, hash, line, token) VALUES ('"
                + run + "', " + seq + ", 'run.finished', now(), '" + prev + "', 'x', '{}', 0)"));
    }

    @Test
    void aWriterThatLostItsLeaseCanAppendNothingAndTheRunStops() throws Exception {
        String db = newDatabase();
        PostgresStateStore paused = open(pg.url("postgres", db), "1s", new ArrayList<>());
        StateStores.install(paused);
        Path runDir = dir.resolve("a").resolve("runs").resolve("run-2");
        Journal j = Journal.create(runDir, "run-2", "alice", Masker.global());
        j.append("run.started", null, null, null, Map.of("runbook", "demo"));
        paused.close(); // its heartbeats stop, as in a long GC pause or a partition: the lease runs out

        try (PostgresStateStore other = open(pg.url("postgres", db), "1s", new ArrayList<>())) {
            StateStores.install(other);
            Journal taken = null;
            for (int i = 0; taken == null; i++) { // the takeover is refused until the lease expired
                try {
                    Files.createDirectories(dir.resolve("b").resolve("runs"));
                    assertTrue(other.download("run-2", dir.resolve("b").resolve("runs").resolve("run-2")));
                    taken = Journal.reopen(dir.resolve("b").resolve("runs").resolve("run-2"), "bob", Masker.global());
                } catch (java.io.IOException e) {
                    assertTrue(e.getMessage().contains("whose lease in the team store is live"), e.getMessage());
                    assertTrue(i < 200, "the lease never expired");
                    Thread.sleep(100);
                }
            }
            taken.append("run.resumed", null, null, null, Map.of());
            JournalWriteException e = assertThrows(JournalWriteException.class,
                    () -> j.append("step.started", "a", "steps", 1, Map.of()));
            assertTrue(e.storeProblem().contains("superseded: another process took it over"), e.getMessage());
            assertThrows(JournalWriteException.class, () -> j.append("step.intent", "a", "steps", 1, Map.of()),
                    "after a refusal nothing more is written, not even locally");
            taken.close();
            List<String> store = other.lines("run-2", 0);
            assertEquals(2, store.size());
            assertTrue(store.get(1).contains("\"run.resumed\""));
        } finally {
            j.close();
        }
    }

    @Test
    void oneHolderPerKeyAndADeadHoldersLockOnlyForItsOwnRecovery() throws Exception {
        String db = newDatabase();
        PostgresStateStore a = open(pg.url("postgres", db), "1s", new ArrayList<>());
        try (PostgresStateStore b = open(pg.url("postgres", db), "1s", new ArrayList<>())) {
            RunLock.Acquired held = a.acquireLock("db-1", "run-a", null, "alice", Set.of());
            RunLock.HeldException live = assertThrows(RunLock.HeldException.class,
                    () -> b.acquireLock("db-1", "run-b", null, "bob", Set.of()));
            assertFalse(live.abandoned());
            assertEquals("run-a", live.holder().runId());
            a.close(); // dies without releasing
            RunLock.HeldException dead = null;
            for (int i = 0; dead == null || !dead.abandoned(); i++) {
                dead = assertThrows(RunLock.HeldException.class, () -> b.acquireLock("db-1", "run-b", null, "bob",
                        Set.of()));
                assertTrue(i < 200, "the lease never expired");
                Thread.sleep(100);
            }
            RunLock.Acquired recovered = b.acquireLock("db-1", "run-b", null, "bob", Set.of("run-a"));
            assertEquals(Optional.of("run-a"), recovered.tookOverFrom().map(RunLock.Holder::runId));
            held.lock().close(); // the old holder's release does not free the new holder's lock
            assertThrows(RunLock.HeldException.class, () -> b.acquireLock("db-1", "run-c", null, "carol", Set.of()));
            recovered.lock().close();
            b.acquireLock("db-1", "run-c", null, "carol", Set.of()).lock().close();
        }
    }

    /** The grants docs/team.md gives, as the operator runs them. */
    private static List<String> documentedGrants() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "team.md"), StandardCharsets.UTF_8);
        int marker = doc.indexOf("<!-- team-roles-sql");
        assertTrue(marker > 0, "docs/team.md marks its grants block");
        int start = doc.indexOf("```sql", marker) + "```sql".length();
        String block = doc.substring(start, doc.indexOf("```", start));
        List<String> statements = new ArrayList<>();
        for (String st : block.replaceAll("(?m)--.*$", "").split(";")) {
            if (!st.isBlank()) {
                statements.add(st.strip());
            }
        }
        return statements;
    }

    private static void assertRefused(String role, String sql, String why) {
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = pg.connect(role, "cutover"); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }, role + " may not: " + sql);
        assertTrue(e.getMessage().contains(why), role + ": " + sql + ": " + e.getMessage());
    }

    @Test
    void operatorsMayOnlyAppendJournalRowsAndAuditorsOnlyRead() throws Exception {
        pg.execute("postgres", List.of("CREATE ROLE cutover_owner LOGIN", "CREATE ROLE cutover_operator LOGIN",
                "CREATE ROLE cutover_auditor LOGIN", "CREATE DATABASE cutover OWNER cutover_owner",
                "REVOKE ALL ON DATABASE cutover FROM PUBLIC"));
        open(pg.url("cutover_owner", "cutover"), "5s", new ArrayList<>()).close(); // the schema, as the owner
        try (Connection c = pg.connect("cutover_owner", "cutover"); Statement s = c.createStatement()) {
            for (String grant : documentedGrants()) {
                s.execute(grant);
            }
        }
        try (PostgresStateStore store = open(pg.url("cutover_operator", "cutover"), "5s", new ArrayList<>())) {
            StateStores.install(store);
            try (Journal j = Journal.create(dir.resolve("runs").resolve("run-r"), "run-r", "alice", Masker.global())) {
                j.append("run.started", null, null, null, Map.of("runbook", "demo"));
                j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED", "exit_code", 0));
            }
            assertEquals("SUCCEEDED", store.runs(new RunsQuery(null, null, null, null, 5)).get(0).get("status"),
                    "the runs index is kept by its trigger, without a grant to operators");
        }
        assertRefused("cutover_operator", "UPDATE journal_events SET line = '{}' WHERE run_id = 'run-r'",
                "permission denied");
        assertRefused("cutover_operator", "DELETE FROM journal_events WHERE run_id = 'run-r'", "permission denied");
        assertRefused("cutover_operator", "TRUNCATE journal_events", "permission denied");
        assertRefused("cutover_operator", "UPDATE runs SET status = 'SUCCEEDED'", "permission denied");
        // whatever the grants, the record is append-only: even its owner cannot rewrite it
        assertRefused("cutover_owner", "UPDATE journal_events SET line = '{}' WHERE run_id = 'run-r'",
                "journal rows are append-only: UPDATE refused");
        assertRefused("cutover_owner", "DELETE FROM journal_events WHERE run_id = 'run-r'",
                "journal rows are append-only: DELETE refused");
        assertRefused("cutover_owner", "TRUNCATE journal_events", "journal rows are append-only: TRUNCATE refused");

        try (Connection c = pg.connect("cutover_auditor", "cutover"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM journal_events WHERE run_id = 'run-r'")) {
            assertTrue(r.next());
            assertEquals(2, r.getInt(1), "auditors read the record");
        }
        assertRefused("cutover_auditor", "INSERT INTO journal_events (run_id, seq, event, time, prev, hash, line, token) "
                + "VALUES ('x', 1, 'run.started', now(), '" + "0".repeat(64) + "', 'h', '{}', 0)", "permission denied");
        assertRefused("cutover_auditor", "DELETE FROM leases", "permission denied");
        assertRefused("cutover_auditor", "INSERT INTO approvals (run_id, step, fingerprint, approver, approval) VALUES "
                + "('x', 's', 'f', 'a', '{}')", "permission denied");
        try (PostgresStateStore auditor = open(pg.url("cutover_auditor", "cutover"), "5s", new ArrayList<>())) {
            assertEquals(2, auditor.lines("run-r", 0).size(), "cutover itself reads the store as an auditor");
        }
    }

    @Test
    void postsRunEventsSignedRetriedSlackFormattedAndWithoutASecret() throws Exception {
        String db = newDatabase();
        List<String[]> received = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger calls = new AtomicInteger();
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            // the first delivery fails, as a receiver being deployed would: it must come again
            int status = calls.incrementAndGet() == 1 ? 503 : 200;
            if (status == 200) {
                received.add(new String[] {ex.getRequestURI().getPath(),
                        ex.getRequestHeaders().getFirst("X-Cutover-Signature"),
                        new String(body, StandardCharsets.UTF_8)});
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        http.start();
        try {
            String base = "http://127.0.0.1:" + http.getAddress().getPort();
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, "webhooks:\n"
                    + "  - url: " + base + "/json\n    secret: env:HOOK_SECRET\n"
                    + "    events: [started, waiting_for_approval, rolled_back]\n"
                    + "  - url: " + base + "/slack\n    format: slack\n    events: [rolled_back]\n");
            String hookSecret = "hook-secret-" + System.nanoTime();
            String runSecret = "s3cr3t-" + System.nanoTime();
            Masker.global().register(runSecret);
            Map<String, String> env = Map.of("CUTOVER_CONFIG", config.toString(), "HOOK_SECRET", hookSecret,
                    "HOME", root.toString());
            try (PostgresStateStore store = PostgresStateStore.open(TeamConfig.resolve(pg.url("postgres", db), env)
                    .orElseThrow(), n -> { })) {
                StateStores.install(store);
                try (Journal j = Journal.create(dir.resolve("runs").resolve("run-w"), "run-w", "alice",
                        Masker.global())) {
                    j.append("run.started", null, null, null, Map.of("runbook", "rotate", "mode", "run", "host", "h",
                            "params", Map.of("password", runSecret)));
                    j.append("step.started", "go", "steps", 1, Map.of("uses", "approval"));
                    j.append("step.started", "work", "steps", 1, Map.of("uses", "shell.exec"));
                    j.append("run.finished", null, null, null, Map.of("status", "ROLLED_BACK", "exit_code", 1,
                            "reason", "validation failed with " + runSecret));
                } // closing the journal waits for the deliveries
            }
            List<String> kinds = new ArrayList<>();
            for (String[] r : received) {
                assertFalse(r[2].contains(runSecret) || r[2].contains(hookSecret), "a secret in a payload: " + r[2]);
                if (r[0].equals("/json")) {
                    assertEquals("sha256=" + Webhooks.hmac(hookSecret, r[2].getBytes(StandardCharsets.UTF_8)), r[1],
                            "signed with HMAC-SHA256 over the exact body");
                    kinds.add(String.valueOf(new com.fasterxml.jackson.databind.ObjectMapper().readValue(r[2], Map.class)
                            .get("event")));
                } else {
                    assertEquals(null, r[1], "no secret configured, no signature");
                    assertTrue(r[2].startsWith("{\"text\":\"cutover: run run-w (rotate) by alice on h: rolled back"),
                            r[2]);
                    kinds.add("slack");
                }
            }
            java.util.Collections.sort(kinds);
            assertEquals(List.of("rolled_back", "slack", "started", "waiting_for_approval"), kinds,
                    "each subscribed event once, the failed first delivery retried: " + calls.get() + " calls");
        } finally {
            http.stop(0);
        }
    }
}
