package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static dev.cutover.cli.TraceRunbooks.check;
import static dev.cutover.cli.TraceRunbooks.header;
import static dev.cutover.cli.TraceRunbooks.step;
import static dev.cutover.cli.TraceRunbooks.trace;
import static dev.cutover.cli.TraceRunbooks.undo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunSemanticsTest {
    @TempDir
    Path dir;

    private CliRun run(Path runbook, String... extra) {
        String[] base = {"run", runbook.toString(), "--yes", "--no-color", "--state-dir", dir.resolve("state").toString(),
                "--set", "trace=" + dir.resolve("trace.log")};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        return CliRun.of(args);
    }

    private List<JournalEvent> journal(CliRun r) throws Exception {
        Path runs = dir.resolve("state/runs");
        try (var s = Files.list(runs)) {
            Path last = s.sorted().reduce((a, b) -> b).orElseThrow();
            return JournalReader.read(last.resolve("journal.jsonl")).events();
        }
    }

    @Test
    void succeedsAndRunsSectionsInOrder() throws Exception {
        Path rb = TraceRunbooks.write(dir, "ok.yaml", header() + "preflight:\n" + check("pre", "pre", 0)
                + "steps:\n" + step("a", "a", 0, undo("undo-a", 0)) + step("b", "b", 0, undo("undo-b", 0))
                + "validate:\n" + check("val", "val", 0));
        CliRun r = run(rb);
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("pre", "a", "b", "val"), trace(dir.resolve("trace.log")));
        assertTrue(r.out().contains("SUCCEEDED (exit 0)"), r.out());
        assertTrue(r.out().matches("(?s).*\\[ ok \\] a\\s+\\d+ms.*"), r.out());
    }

    @Test
    void failingStepRollsBackCompletedStepsInExactReverseOrder() throws Exception {
        Path rb = TraceRunbooks.write(dir, "fail.yaml", header() + "steps:\n"
                + step("a", "a", 0, undo("undo-a", 0)) + step("b", "b", 0, undo("undo-b", 0))
                + step("c", "c", 0, undo("undo-c", 0)) + step("d", "d", 3, undo("undo-d", 0))
                + step("e", "e", 0, undo("undo-e", 0))
                + "validate:\n" + check("val", "val", 0) + "rollback:\n" + step("after", "after", 0, null));
        CliRun r = run(rb);
        assertEquals(1, r.exit(), r.all());
        // d failed after its intent was journaled and nothing can tell whether it changed anything, so it is
        // undone too; validate's 'val' checks the new state and is not run again after the rollback
        assertEquals(List.of("a", "b", "c", "d", "undo-d", "undo-c", "undo-b", "undo-a", "after"),
                trace(dir.resolve("trace.log")));
        List<String> undone = journal(r).stream().filter(e -> e.event().equals("undo.succeeded"))
                .map(JournalEvent::step).collect(Collectors.toList());
        assertEquals(List.of("d", "c", "b", "a"), undone);
        assertTrue(r.out().contains("ROLLED_BACK (exit 1)"), r.out());
        assertTrue(r.out().contains("steps step 'd' failed"), r.out());
    }

    @Test
    void failingValidationRollsBackRunsRollbackSectionAndRevalidates() throws Exception {
        Path flag = dir.resolve("healthy");
        String validate = "  - id: healthy\n    uses: shell.exec\n    revalidate: true\n    with:\n      readonly: true\n"
                + "      command: [sh, -c, 'echo check >> \"$TRACE\"; test ! -f \"$FLAG\"']\n"
                + "      env: { TRACE: \"${params.trace}\", FLAG: \"" + flag + "\" }\n";
        String breaking = "  - id: break\n    uses: shell.exec\n    with:\n"
                + "      command: [sh, -c, 'echo break >> \"$TRACE\"; touch \"$FLAG\"']\n"
                + "      env: { TRACE: \"${params.trace}\", FLAG: \"" + flag + "\" }\n"
                + "    undo:\n      uses: shell.exec\n      with:\n"
                + "        command: [sh, -c, 'echo unbreak >> \"$TRACE\"; rm \"$FLAG\"']\n"
                + "        env: { TRACE: \"${params.trace}\", FLAG: \"" + flag + "\" }\n";
        Path rb = TraceRunbooks.write(dir, "val.yaml", header() + "steps:\n" + step("a", "a", 0, undo("undo-a", 0))
                + breaking + "validate:\n" + validate + "rollback:\n" + step("restart", "restart", 0, null));
        CliRun r = run(rb);
        assertEquals(1, r.exit(), r.all());
        assertEquals(List.of("a", "break", "check", "unbreak", "undo-a", "restart", "check"),
                trace(dir.resolve("trace.log")));
        assertFalse(Files.exists(flag));
        List<String> events = journal(r).stream().map(e -> e.event() + ":" + (e.section() == null ? "" : e.section()))
                .toList();
        assertTrue(events.indexOf("rollback.started:undo") < events.lastIndexOf("step.succeeded:revalidate"), events
                .toString());
        assertEquals("run.finished:", events.get(events.size() - 1));
    }

    @Test
    void failingUndoEndsRollbackFailedWithManualActions() throws Exception {
        Path rb = TraceRunbooks.write(dir, "undo.yaml", header() + "steps:\n" + step("a", "a", 0, undo("undo-a", 0))
                + step("b", "b", 0, undo("undo-b", 7)) + step("c", "c", 1, undo("undo-c", 0)));
        CliRun r = run(rb);
        assertEquals(4, r.exit(), r.all());
        assertEquals(List.of("a", "b", "c", "undo-c", "undo-b"), trace(dir.resolve("trace.log")));
        assertTrue(r.out().contains("ROLLBACK_FAILED (exit 4)"), r.out());
        assertTrue(r.out().contains("MANUAL ACTION REQUIRED"), r.out());
        assertTrue(r.out().contains("step 'b': undo failed"), r.out());
        assertTrue(r.out().contains("step 'a': not undone"), r.out());
    }

    @Test
    void timeoutKillsTheProcessTreeAndRollsBack() throws Exception {
        Path pidFile = dir.resolve("sleep.pid");
        String slow = "  - id: slow\n    uses: shell.exec\n    timeout: 700ms\n    no_undo: test\n    with:\n"
                + "      command: [sh, -c, 'sleep 60 & echo $! > \"$PIDF\"; wait']\n"
                + "      env: { PIDF: \"" + pidFile + "\" }\n";
        Path rb = TraceRunbooks.write(dir, "slow.yaml", header() + "steps:\n" + step("a", "a", 0, undo("undo-a", 0))
                + slow);
        long t0 = System.nanoTime();
        CliRun r = run(rb);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, r.exit(), r.all());
        assertTrue(ms < 20_000, "took " + ms + " ms");
        assertTrue(r.out().contains("timed out after"), r.out());
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Thread.sleep(200);
        assertFalse(running(pid), "sleep " + pid + " survived");
        assertEquals(List.of("a", "undo-a"), trace(dir.resolve("trace.log")));
    }

    /** Alive and not a zombie (a killed child whose parent died may wait for a reaper in containers). */
    static boolean running(long pid) throws java.io.IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        String s = Files.readString(stat);
        return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    }

    @Test
    void preflightFailureChangesNothing() throws Exception {
        Path rb = TraceRunbooks.write(dir, "pre.yaml", header() + "preflight:\n" + check("pre", "pre", 1)
                + "steps:\n" + step("a", "a", 0, undo("undo-a", 0)));
        CliRun r = run(rb);
        assertEquals(3, r.exit(), r.all());
        assertEquals(List.of("pre"), trace(dir.resolve("trace.log")));
        assertTrue(r.out().contains("PREFLIGHT_FAILED"), r.out());
    }

    @Test
    void planRunsPreflightOnlyAndChangesNothing() throws Exception {
        Path rb = TraceRunbooks.write(dir, "plan.yaml", header() + "preflight:\n" + check("pre", "pre", 0)
                + "steps:\n" + step("a", "a", 0, undo("undo-a", 0)) + "validate:\n" + check("val", "val", 0));
        CliRun r = CliRun.of("plan", rb.toString(), "--no-color", "--state-dir", dir.resolve("state").toString(),
                "--set", "trace=" + dir.resolve("trace.log"));
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("pre"), trace(dir.resolve("trace.log")));
        assertTrue(r.out().contains("PLANNED"), r.out());
        assertTrue(r.out().contains("would run sh"), r.out());
        assertTrue(journal(r).get(0).data().get("rehearsal").equals(Boolean.TRUE));
    }

    @Test
    void retriesAStepWithDelayAndJournalsEveryAttempt() throws Exception {
        Path counter = dir.resolve("count");
        String flaky = "  - id: flaky\n    uses: shell.exec\n    retry: { attempts: 3, delay: 100ms }\n"
                + "    with:\n      readonly: true\n      command: [sh, -c, 'echo x >> \"$C\"; test $(wc -l < \"$C\") -ge 3']\n"
                + "      env: { C: \"" + counter + "\" }\n";
        Path rb = TraceRunbooks.write(dir, "retry.yaml", header() + "steps:\n" + step("a", "a", 0, undo("undo-a", 0))
                + "validate:\n" + flaky);
        CliRun r = run(rb);
        assertEquals(0, r.exit(), r.all());
        assertEquals(3, Files.readAllLines(counter).size());
        long failed = journal(r).stream().filter(e -> e.event().equals("step.failed")).count();
        assertEquals(2, failed);
    }

    @Test
    void waitUntilPollsAReadOnlyCheckUntilItPassesOrTheDeadline() throws Exception {
        // ready on the third look (no background job: no process outlives its step)
        Path count = dir.resolve("looks");
        String steps = "  - id: wait-ready\n    uses: wait.until\n    with:\n      uses: shell.exec\n"
                + "      with: { command: [sh, -c, 'n=$(cat \"$C\" 2>/dev/null || echo 0); echo $((n+1)) > \"$C\"; "
                + "test $n -ge 2'], env: { C: \"" + count + "\" }, readonly: true }\n"
                + "      interval: 200ms\n      deadline: 10s\n";
        Path rb = TraceRunbooks.write(dir, "wait.yaml", header() + "steps:\n" + steps);
        CliRun r = run(rb);
        assertEquals(0, r.exit(), r.all());
        long polls = journal(r).stream().filter(e -> e.event().equals("wait.poll")).count();
        assertTrue(polls >= 1, "polled " + polls + " times before passing");
        Path never = TraceRunbooks.write(dir, "never.yaml", header() + "steps:\n"
                + "  - id: wait-never\n    uses: wait.until\n    with:\n      uses: shell.exec\n"
                + "      with: { command: [test, -f, /nonexistent/x], readonly: true }\n"
                + "      interval: 100ms\n      deadline: 500ms\n");
        CliRun late = run(never);
        assertEquals(1, late.exit(), late.all());
        assertTrue(late.out().contains("still failing after"), late.out());
    }

    @Test
    void whenConditionSkipsAStepAndJournalsIt() throws Exception {
        Path rb = TraceRunbooks.write(dir, "when.yaml", header() + "  mode: { type: string, default: local }\n"
                + "steps:\n" + step("a", "a", 0, undo("undo-a", 0))
                + step("aws-only", "aws", 0, "    when: params.mode == 'aws'\n    no_undo: test\n"));
        CliRun r = run(rb);
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("a"), trace(dir.resolve("trace.log")));
        assertTrue(journal(r).stream().anyMatch(e -> e.event().equals("step.skipped") && "aws-only".equals(e.step())));
    }

    @Test
    void stepOutputsFeedLaterSteps() throws Exception {
        String produce = "  - id: produce\n    uses: shell.exec\n    with:\n      readonly: true\n"
                + "      command: [echo, '{\"ca\": \"rds-ca-rsa2048-g1\"}']\n      parse: json\n";
        String consume = "  - id: consume\n    uses: shell.exec\n    no_undo: test\n    with:\n"
                + "      command: [sh, -c, 'echo \"$CA\" >> \"$TRACE\"']\n"
                + "      env: { CA: \"${steps.produce.outputs.json.ca}\", TRACE: \"${params.trace}\" }\n";
        Path rb = TraceRunbooks.write(dir, "out.yaml", header() + "preflight:\n" + produce + "steps:\n" + consume);
        CliRun r = run(rb);
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("rds-ca-rsa2048-g1"), trace(dir.resolve("trace.log")));
    }

    @Test
    void refusesToRunWithoutYesWhenNotOnATerminal() throws Exception {
        Path rb = TraceRunbooks.write(dir, "ok.yaml", header() + "steps:\n" + step("a", "a", 0, undo("undo-a", 0)));
        CliRun r = CliRun.of("run", rb.toString(), "--state-dir", dir.resolve("state").toString(), "--set",
                "trace=" + dir.resolve("trace.log"));
        assertEquals(5, r.exit(), r.all());
        assertTrue(r.err().contains("--yes"), r.err());
        assertEquals(List.of(), trace(dir.resolve("trace.log")));
    }

    @Test
    void jsonOutputPrintsOneSummaryObject() throws Exception {
        Path rb = TraceRunbooks.write(dir, "ok.yaml", header() + "steps:\n" + step("a", "a", 0, undo("undo-a", 0)));
        CliRun r = run(rb, "--output", "json");
        assertEquals(0, r.exit(), r.all());
        var m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals("SUCCEEDED", m.get("status").asText());
        assertEquals(0, m.get("exit_code").asInt());
        assertEquals("a", m.get("steps").get(0).get("id").asText());
        assertTrue(Files.exists(Path.of(m.get("journal").asText())));
    }
}
