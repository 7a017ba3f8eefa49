package dev.cutover.postgres;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryStepTest {
    private static final String PASSWORD = "q-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path dir;
    static TlsPostgres pg;
    static Path caPem;

    @BeforeAll
    static void startPostgres() throws Exception {
        TestPki.Issued ca = TestPki.ca("CN=Query Test CA");
        caPem = TestPki.writeCert(dir.resolve("ca.pem"), ca.cert());
        TestPki.Issued server = TestPki.server(ca, "CN=localhost");
        pg = new TlsPostgres(dir.resolve("data"), TestPki.writeCert(dir.resolve("server.crt"), server.cert()),
                TestPki.writeKey(dir.resolve("server.key"), server.keys()), PASSWORD);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static StepTestKit kit(String sql) {
        return StepTestKit.of(new QueryStep()).with("jdbc_url", pg.url(caPem)).secret("password", PASSWORD).with("sql", sql);
    }

    @Test
    void outputsTheRowsOfAShowCommand() throws Exception {
        StepRecording r = kit("SHOW ssl").apply().assertSucceeded();
        dev.cutover.testkit.DeclaredOutputs.assertMatch(new QueryStep(), r);

        assertEquals("on", r.output("value"));
        assertEquals(List.of(Map.of("ssl", "on")), r.output("rows"));
        assertEquals(List.of("step.started", "step.succeeded"), r.eventNames());
    }

    @Test
    void failsNamingTheColumnWhenTheFirstRowDiffersFromExpect() throws Exception {
        StepRecording r = kit("SELECT 'off' AS ssl, 2 AS n").with("expect", Map.of("ssl", "on", "n", 2)).apply().assertFailed();

        assertTrue(r.error().contains("ssl is 'off', expected 'on'"), r.error());
        assertFalse(r.error().contains("n is"), r.error());
    }

    @Test
    void cannotChangeTheDatabaseBecauseItRunsReadOnly() throws Exception {
        StepRecording r = kit("CREATE TABLE sneaky(id int) ").apply().assertFailed();

        assertTrue(r.error().contains("read-only"), r.error());
        StepRecording check = kit("SELECT count(*) AS n FROM pg_tables WHERE tablename = 'sneaky'").apply().assertSucceeded();
        assertEquals("0", check.output("value").toString());
    }

    @Test
    void truncatesAtMaxRows() throws Exception {
        StepRecording r = kit("SELECT generate_series(1, 10) AS n").with("max_rows", 3).apply().assertSucceeded();

        assertEquals(3, r.output("row_count"));
        assertEquals(true, r.output("truncated"));
        assertFalse(Files.readString(r.journal()).contains(PASSWORD));
    }
}
