package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sealed journal written by the previous cutover version (no os_user, files 0644) still verifies, binds to its
 * run directory and runbook, and renders; what it does not record is said, not invented.
 */
class PreviousVersionJournalTest {
    private static final Path FIXTURE = RunbookDocsTest.ROOT.resolve("cli/src/test/resources/journals/previous-version");
    private static final String RUN = "20261130-084706-0e82";

    @Test
    void aSealedJournalOfThePreviousVersionVerifiesAgainstItsKeyRunDirectoryAndRunbook() {
        CliRun v = CliRun.of("verify", FIXTURE.resolve(RUN).toString(), "--public-key",
                FIXTURE.resolve("cutover-sign-pub.pem").toString(), "--runbook", FIXTURE.resolve("runbook.yaml")
                        .toString());
        assertEquals(0, v.exit(), v.all());
        assertTrue(v.out().startsWith("OK, intact and authenticated") && v.out().contains("final status "
                + "ROLLBACK_FAILED") && v.out().contains("is the runbook that ran"), v.out());
        CliRun trusted = CliRun.withEnv(java.util.Map.of("CUTOVER_TRUSTED_KEYS", FIXTURE.resolve("cutover-sign-pub.pem")
                .toString()), "verify", FIXTURE.resolve(RUN).resolve("journal.jsonl").toString());
        assertEquals(0, trusted.exit(), trusted.all());
    }

    @Test
    void itRendersInEveryFormatWithTheFailedReValidationOnTheFirstScreen() throws Exception {
        String key = FIXTURE.resolve("cutover-sign-pub.pem").toString();
        CliRun md = CliRun.of("report", FIXTURE.resolve(RUN).toString(), "--public-key", key);
        assertEquals(0, md.exit(), md.all());
        assertTrue(md.out().contains("| Proved back by re-validation? | FAILED"), md.out());
        assertTrue(md.out().contains("| OS user | (not recorded) |"), md.out());
        assertTrue(md.out().contains("Verified: 17 events"), md.out());
        CliRun html = CliRun.of("report", FIXTURE.resolve(RUN).toString(), "--public-key", key, "--format", "html");
        assertEquals(0, html.exit(), html.all());
        assertFalse(html.out().contains("NOT VERIFIED"), html.out());
        JsonNode json = new ObjectMapper().readTree(CliRun.of("report", FIXTURE.resolve(RUN).toString(),
                "--public-key", key, "--format", "json").out());
        assertTrue(json.at("/verification/authenticated").asBoolean());
        assertEquals(java.util.List.of("write"), new ObjectMapper().convertValue(json.at("/summary/undone"),
                java.util.List.class));
    }
}
