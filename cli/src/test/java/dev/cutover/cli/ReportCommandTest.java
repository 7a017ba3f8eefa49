package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest {
    static final String CANARY = "canary-report-5e1d-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A runbook whose steps see a secret; {@code validateExit} 1 makes validation fail, {@code preflightExit} 1 preflight. */
    static String runbook(int preflightExit, int validateExit) {
        return TraceRunbooks.header() + "  password: { type: secret, from: env:DB_PASSWORD }\n"
                + "preflight:\n" + TraceRunbooks.check("reachable", "reachable", preflightExit)
                + "steps:\n"
                + "  - id: import-ca\n    uses: shell.exec\n    with:\n"
                + "      command: [sh, -c, 'echo \"fingerprint=AB:CD:EF using $PW\"; echo import >> \"$TRACE\"']\n"
                + "      env: { TRACE: \"${params.trace}\", PW: \"${params.password}\" }\n"
                + TraceRunbooks.undo("undo-import", 0)
                + TraceRunbooks.step("restart-app", "restart", 0, "    no_undo: the rollback section restarts again\n")
                + "validate:\n" + TraceRunbooks.check("healthy", "healthy", validateExit)
                .replace("      readonly: true\n", "      readonly: true\n") + "    retry: { attempts: 2, delay: 10ms }\n"
                + "    revalidate: true\n"
                + "rollback:\n" + TraceRunbooks.step("restart-again", "restart-again", 0, null);
    }

    static String run(Path dir, Path state, String yaml, int expectedExit, String... extra) throws Exception {
        Path rb = TraceRunbooks.write(dir, "rb-" + expectedExit + ".yaml", yaml);
        List<String> args = new ArrayList<>(List.of("run", rb.toString(), "--yes", "--output", "json", "--state-dir",
                state.toString(), "--set", "trace=" + dir.resolve("trace-" + expectedExit), "--operator", "alice",
                "--ticket", "CHG-7"));
        args.addAll(List.of(extra));
        CliRun r = CliRun.withEnv(Map.of("DB_PASSWORD", CANARY), args.toArray(String[]::new));
        assertEquals(expectedExit, r.exit(), r.all());
        assertFalse(r.all().contains(CANARY));
        return JSON.readTree(r.out()).get("run_id").asText();
    }

    private JsonNode jsonReport(Path state, String id) throws Exception {
        CliRun r = CliRun.of("report", id, "--format", "json", "--state-dir", state.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode n = JSON.readTree(r.out());
        assertEquals("cutover.report/v1", n.get("schema").asText());
        return n;
    }

    private static List<String> trace(JsonNode report) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : report.get("timeline")) {
            out.add((e.get("section").isNull() ? "" : e.get("section").asText() + "/")
                    + (e.get("step").isNull() ? "" : e.get("step").asText() + " ") + e.get("outcome").asText());
        }
        return out;
    }

    @Test
    void aSucceededRunReportsEveryStepInOrderWithItsFacts() throws Exception {
        Path state = dir.resolve("state");
        String id = run(dir, state, runbook(0, 0), 0);
        JsonNode n = jsonReport(state, id);
        assertEquals(List.of("started", "preflight/reachable ok", "steps/import-ca ok", "steps/restart-app ok",
                "validate/healthy ok", "SUCCEEDED"), trace(n));
        assertEquals("alice", n.at("/run/operator").asText());
        assertEquals("CHG-7", n.at("/run/ticket").asText());
        assertEquals(64, n.at("/run/runbook_sha256").asText().length());
        assertTrue(n.at("/verification/ok").asBoolean());
        assertEquals("unsealed", n.at("/verification/signature").asText());
        assertEquals("fingerprint=AB:CD:EF using ***", n.at("/timeline/2/outputs/stdout").asText(),
                "outputs that matter are shown, secrets masked");
        assertTrue(n.get("rollback").isNull());
    }

    @Test
    void aRolledBackRunReportsRetriesUndosInReverseTheRollbackAndTheRevalidation() throws Exception {
        Path state = dir.resolve("state");
        Path trace = dir.resolve("trace-1");
        String yaml = runbook(0, 0).replace("- id: healthy", "- id: healthy").replace(
                "'echo healthy >> \"$TRACE\"; exit 0'",
                "'echo healthy >> \"$TRACE\"; test $(grep -c healthy \"$TRACE\") -gt 2'");
        String id = run(dir, state, yaml, 1);
        assertTrue(Files.readString(trace).contains("undo-import"));
        JsonNode n = jsonReport(state, id);
        assertEquals(List.of("started", "preflight/reachable ok", "steps/import-ca ok", "steps/restart-app ok",
                "validate/healthy failed, retrying", "validate/healthy failed", "undo/rollback started",
                "undo/restart-app kept (no undo)", "undo/import-ca undone", "rollback/restart-again ok",
                "revalidate/reachable ok", "revalidate/healthy ok", "revalidate/proved back", "undo/rolled back",
                "ROLLED_BACK"), trace(n));
        assertEquals("passed", n.at("/rollback/revalidation").asText());
        assertEquals("[\"restart-app\",\"import-ca\"]", n.at("/rollback/undo_order").toString());
        assertEquals(2, n.at("/timeline/5/attempt").asInt());

        CliRun md = CliRun.of("report", id, "--state-dir", state.toString());
        assertEquals(0, md.exit(), md.all());
        int retry = md.out().indexOf("failed, retrying");
        int undone = md.out().indexOf("| undone |");
        int revalidated = md.out().indexOf("| revalidate | healthy |");
        assertTrue(retry > 0 && undone > retry && revalidated > undone, md.out());
        assertTrue(md.out().contains("| Re-validation | passed |"), md.out());
    }

    @Test
    void aPreflightFailedRunReportsThatNothingChanged() throws Exception {
        Path state = dir.resolve("state");
        String id = run(dir, state, runbook(1, 0), 3);
        JsonNode n = jsonReport(state, id);
        assertEquals(List.of("started", "preflight/reachable failed", "PREFLIGHT_FAILED"), trace(n));
        assertEquals(3, n.at("/run/exit_code").asInt());
        assertTrue(n.at("/timeline/1/error").asText().contains("exited with 1"), n.toString());
    }

    @Test
    void aPlanRunReportsEachStepsPlanAndItsUndo() throws Exception {
        Path state = dir.resolve("state");
        Path rb = TraceRunbooks.write(dir, "plan.yaml", runbook(0, 0));
        CliRun p = CliRun.withEnv(Map.of("DB_PASSWORD", CANARY), "plan", rb.toString(), "--output", "json",
                "--state-dir", state.toString(), "--set", "trace=" + dir.resolve("t"));
        assertEquals(0, p.exit(), p.all());
        String id = JSON.readTree(p.out()).get("run_id").asText();
        JsonNode n = jsonReport(state, id);
        List<String> t = trace(n);
        assertTrue(t.contains("steps/import-ca planned"), t.toString());
        CliRun md = CliRun.of("report", id, "--state-dir", state.toString());
        assertTrue(md.out().contains("would run") && md.out().contains("undo: shell.exec"), md.out());
    }

    @Test
    void secretsAppearInNoReportFormat() throws Exception {
        Path state = dir.resolve("state");
        String id = run(dir, state, runbook(0, 1), 4);
        for (String format : List.of("md", "html", "json")) {
            CliRun r = CliRun.of("report", id, "--format", format, "--state-dir", state.toString());
            assertEquals(0, r.exit(), r.all());
            assertTrue(r.out().contains("***"), format + " shows where a secret was");
            assertFalse(r.out().contains(CANARY), format);
        }
    }

    @Test
    void aTamperedJournalStillRendersButSaysSoAndExitsOne() throws Exception {
        Path state = dir.resolve("state");
        String id = run(dir, state, runbook(0, 0), 0);
        Path journal = state.resolve("runs").resolve(id).resolve("journal.jsonl");
        Files.writeString(journal, Files.readString(journal).replace("\"operator\":\"alice\"", "\"operator\":\"bob\""));
        Path out = dir.resolve("r.md");
        CliRun r = CliRun.of("report", journal.toString(), "--out", out.toString());
        assertEquals(1, r.exit(), r.all());
        assertTrue(Files.readString(out).contains("NOT VERIFIED: line 1"), Files.readString(out));
        assertEquals(2, CliRun.of("report", "no-such-run", "--state-dir", state.toString()).exit());
        assertEquals(2, CliRun.of("report", id, "--format", "pdf", "--state-dir", state.toString()).exit());
    }

    @Test
    void theJsonReportHasExactlyTheFieldsDocsReportSchemaDocuments() throws Exception {
        Path state = dir.resolve("state");
        String yaml = runbook(0, 0).replace("'echo healthy >> \"$TRACE\"; exit 0'",
                "'echo healthy >> \"$TRACE\"; test $(grep -c healthy \"$TRACE\") -gt 2'");
        JsonNode n = jsonReport(state, run(dir, state, yaml, 1));
        String doc = Files.readString(RunbookDocsTest.ROOT.resolve("docs/report-schema.md"));
        Map<String, JsonNode> objects = Map.of("Top level", n, "run", n.get("run"), "verification",
                n.get("verification"), "timeline entry", n.get("timeline").get(0), "span", n.get("spans").get(0),
                "rollback", n.get("rollback"));
        for (Map.Entry<String, JsonNode> o : objects.entrySet()) {
            String table = doc.split("\n## " + o.getKey() + "\n", 2)[1].split("\n## ", 2)[0];
            java.util.TreeSet<String> documented = new java.util.TreeSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\| `([a-z_0-9]+)` \\|").matcher(table);
            while (m.find()) {
                documented.add(m.group(1));
            }
            java.util.TreeSet<String> actual = new java.util.TreeSet<>();
            o.getValue().fieldNames().forEachRemaining(actual::add);
            assertEquals(documented, actual, "fields of '" + o.getKey() + "' in docs/report-schema.md");
        }
    }

    @Test
    void approvalsAppearInTheTimelineWithWhoWhenAndWhy() throws Exception {
        Path state = dir.resolve("state");
        String yaml = runbook(0, 0).replace("steps:\n", "steps:\n  - id: go-ahead\n    uses: approval\n"
                + "    with: { message: \"Rotate the CA?\" }\n");
        String id = run(dir, state, yaml, 0, "--approve", "go-ahead");
        JsonNode n = jsonReport(state, id);
        JsonNode granted = null;
        for (JsonNode e : n.get("timeline")) {
            if (e.get("event").asText().equals("approval.granted")) {
                granted = e;
            }
        }
        assertTrue(granted != null, n.toString());
        assertEquals("granted", granted.get("outcome").asText());
        assertEquals("go-ahead", granted.get("step").asText());
        assertTrue(granted.get("detail").asText().startsWith("by alice; at 20"), granted.toString());
        List<String> t = trace(n);
        assertTrue(t.indexOf("steps/go-ahead granted") < t.indexOf("steps/import-ca ok"), t.toString());
    }
}
