package dev.cutover.run;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.journal.JournalVerifier;
import dev.cutover.runbook.ParamResolver;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's run semantics, with in-memory step types: fast, exact, without the CLI. */
class EngineRunSemanticsTest {
    @TempDir
    Path dir;
    private final MemorySystem sys = new MemorySystem();

    private RunOutcome run(String yaml) throws Exception {
        return run(yaml, false);
    }

    private RunOutcome run(String yaml, boolean plan) throws Exception {
        Path file = dir.resolve("rb-" + System.nanoTime() + ".yaml");
        Files.writeString(file, "apiVersion: cutover/v1\nname: mem\n" + yaml);
        Runbook rb = new RunbookLoader(sys.registry()).load(file);
        Masker masker = new Masker();
        Map<String, Object> params = new ParamResolver(Map.of(), masker, true).resolve(rb, null, Map.of());
        RunOptions options = RunOptions.builder(dir.resolve("state")).operator("tester").dryRun(plan).build();
        return new Engine(sys.registry()).run(rb, params, options, masker, RunListener.NONE, new Abort());
    }

    private static List<JournalEvent> events(RunOutcome o) throws Exception {
        return JournalReader.read(o.journal()).events();
    }

    private static List<String> named(RunOutcome o, String event) throws Exception {
        return events(o).stream().filter(e -> e.event().equals(event)).map(JournalEvent::step).toList();
    }

    @Test
    void rollsBackCompletedStepsInReverseOrderWhenValidationFails() throws Exception {
        RunOutcome o = run("""
                steps:
                  - { id: a, uses: mem.set, with: { key: a, value: "1" } }
                  - { id: b, uses: mem.set, with: { key: b, value: "1" } }
                  - { id: c, uses: mem.set, with: { key: c, value: "1" } }
                validate:
                  - { id: v, uses: mem.expect, with: { key: nothing, equals: "x" } }
                """);
        assertEquals(RunStatus.ROLLED_BACK, o.status());
        assertEquals(List.of("c", "b", "a"), named(o, "undo.started"));
        assertTrue(sys.values.isEmpty(), sys.values.toString());
        assertTrue(JournalVerifier.verify(o.journal()).ok());
    }

    @Test
    void aChangeThatFailsAfterChangingIsProbedAndUndone() throws Exception {
        sys.values.put("f", "v1");
        RunOutcome o = run("""
                steps:
                  - { id: a, uses: mem.set, with: { key: a, value: "1" } }
                  - { id: f, uses: mem.set, with: { key: f, value: v2, then: fail } }
                """);
        assertEquals(RunStatus.ROLLED_BACK, o.status());
        assertEquals("v1", sys.values.get("f"), "the failed step's change must be undone");
        assertEquals(List.of("f", "a"), named(o, "undo.started"));
        JournalEvent probed = events(o).stream().filter(e -> e.event().equals("step.probed")).findFirst().orElseThrow();
        assertEquals("DONE", probed.data().get("result"));
    }

    @Test
    void aChangeThatTimesOutAfterChangingIsUndoneEvenWithoutAProbe() throws Exception {
        sys.values.put("f", "v1");
        RunOutcome o = run("""
                steps:
                  - id: f
                    uses: mem.put
                    with: { key: f, value: v2, then: hang }
                    timeout: 300ms
                    undo: { uses: mem.put, with: { key: f, value: v1 } }
                """);
        assertEquals(RunStatus.ROLLED_BACK, o.status());
        assertEquals("v1", sys.values.get("f"));
        JournalEvent probed = events(o).stream().filter(e -> e.event().equals("step.probed")).findFirst().orElseThrow();
        assertEquals("UNKNOWN", probed.data().get("result"));
        assertEquals(true, probed.data().get("will_undo"));
    }

    @Test
    void aChangeWhoseProbeSaysNotDoneIsNotUndone() throws Exception {
        RunOutcome o = run("""
                steps:
                  - { id: a, uses: mem.set, with: { key: a, value: "1" } }
                  - { id: f, uses: mem.set, with: { key: f, value: v2, then: fail-before } }
                """);
        assertEquals(RunStatus.ROLLED_BACK, o.status());
        assertEquals(List.of("a"), named(o, "undo.started"));
        assertNull(sys.values.get("f"));
    }

    @Test
    void revalidationComparesPreflightFactsAndDoesNotReassertTheNewState() throws Exception {
        sys.values.put("ca", "old");
        RunOutcome o = run("""
                preflight:
                  - { id: ca-today, uses: mem.expect, with: { key: ca, equals: old } }
                steps:
                  - { id: rotate, uses: mem.set, with: { key: ca, value: new } }
                validate:
                  - { id: on-target-ca, uses: mem.expect, with: { key: ca, equals: new } }
                  - { id: healthy, uses: mem.expect, with: { key: health, equals: ok }, revalidate: true }
                rollback:
                  - { id: heal, uses: mem.set, with: { key: health, value: ok } }
                """);
        assertEquals(RunStatus.ROLLED_BACK, o.status(), o.manualActions().toString());
        assertEquals("old", sys.values.get("ca"));
        assertTrue(o.revalidation().startsWith("proven"), o.revalidation());
        List<JournalEvent> revalidated = events(o).stream().filter(e -> "revalidate".equals(e.section())
                && e.event().equals("step.succeeded")).toList();
        assertEquals(List.of("ca-today", "healthy"), revalidated.stream().map(JournalEvent::step).toList());
    }

    @Test
    void aRevalidationThatCheckedNothingIsNotReportedAsPassed() throws Exception {
        RunOutcome o = run("""
                steps:
                  - { id: a, uses: mem.set, with: { key: a, value: "1" } }
                validate:
                  - { id: v, uses: mem.expect, with: { key: a, equals: "2" } }
                """);
        assertEquals(RunStatus.ROLLED_BACK, o.status());
        assertTrue(o.revalidation().startsWith("NOT PROVEN: re-validation checked nothing"), o.revalidation());
        JournalEvent r = events(o).stream().filter(e -> e.event().equals("revalidation.finished")).findFirst()
                .orElseThrow();
        assertEquals(false, r.data().get("proven"));
    }

    @Test
    void factsThatDifferAfterTheRollbackFailIt() throws Exception {
        sys.values.put("x", "before");
        RunOutcome o = run("""
                preflight:
                  - { id: x-today, uses: mem.expect, with: { key: x, equals: before } }
                steps:
                  - id: change-x
                    uses: mem.put
                    with: { key: x, value: after }
                    undo: { uses: mem.put, with: { key: y, value: "the undo forgot x" } }
                validate:
                  - { id: v, uses: mem.expect, with: { key: nothing, equals: "1" } }
                """);
        assertEquals(RunStatus.ROLLBACK_FAILED, o.status());
        assertTrue(o.manualActions().stream().anyMatch(m -> m.contains("x-today")), o.manualActions().toString());
    }

    @Test
    void retriesUntilTheCheckPassesWithinItsAttempts() throws Exception {
        RunOutcome o = run("""
                steps:
                  - id: eventually
                    uses: wait.until
                    with: { uses: mem.expect, with: { key: later }, interval: 10ms, deadline: 2s }
                """);
        assertEquals(RunStatus.SUCCEEDED, o.status());
        assertEquals(1, named(o, "wait.poll").size());
    }

    @Test
    void planHonoursWhenInEverySection() throws Exception {
        RunOutcome o = run("""
                params:
                  platform: { type: string, default: local }
                steps:
                  - { id: aws-only, uses: mem.set, when: "params.platform == 'aws'", with: { key: a, value: "1" } }
                  - { id: local, uses: mem.set, when: "params.platform == 'local'", with: { key: b, value: "1" } }
                validate:
                  - { id: aws-check, uses: mem.expect, when: "params.platform == 'aws'", with: { key: a } }
                """, true);
        assertEquals(RunStatus.PLANNED, o.status());
        Map<String, StepOutcome> by = new java.util.HashMap<>();
        o.steps().forEach(s -> by.put(s.id(), s));
        assertEquals(StepStatus.SKIPPED, by.get("aws-only").status());
        assertTrue(by.get("aws-only").message().startsWith("would skip: condition false"));
        assertEquals(StepStatus.PLANNED, by.get("local").status());
        assertEquals(StepStatus.SKIPPED, by.get("aws-check").status());
        assertTrue(sys.values.isEmpty());
    }

    @Test
    void laterRollbackUsesTheOriginalRunsRecordedValuesOnceOnly() throws Exception {
        RunOutcome first = run("""
                steps:
                  - id: put
                    uses: mem.put
                    with: { key: k, value: "${run.id}" }
                    undo: { uses: mem.put, with: { key: k, value: "undone ${run.id}" } }
                """);
        assertEquals(RunStatus.SUCCEEDED, first.status());
        Path file = dir.resolve("later.yaml");
        Files.writeString(file, """
                apiVersion: cutover/v1
                name: mem
                steps:
                  - id: put
                    uses: mem.put
                    with: { key: k, value: "${run.id}" }
                    undo: { uses: mem.put, with: { key: k, value: "undone ${run.id}" } }
                """);
        Runbook rb = new RunbookLoader(sys.registry()).load(file);
        RunOptions options = RunOptions.builder(dir.resolve("state")).operator("tester").build();
        RunOutcome back = new Recovery(sys.registry()).rollback(first.runDirectory(), rb, Map.of(), options,
                new Masker(), RunListener.NONE, new Abort(), "test", true);
        assertEquals(RunStatus.ROLLED_BACK, back.status());
        assertEquals("undone " + first.runId(), sys.values.get("k"), "resolved with the original run's id");
        Recovery.RefusedException twice = org.junit.jupiter.api.Assertions.assertThrows(
                Recovery.RefusedException.class, () -> new Recovery(sys.registry()).rollback(first.runDirectory(),
                        rb, Map.of(), options, new Masker(), RunListener.NONE, new Abort(), "again", true));
        assertTrue(twice.getMessage().contains("already rolled back by run " + back.runId()), twice.getMessage());
        assertFalse(Files.exists(dir.resolve("state/runs").resolve(back.runId()).resolve("nothing")));
    }

    @Test
    void aConditionWhoseRegexBacktracksFailsTheStepInBoundedTimeAndRollsBack() throws Exception {
        RunOutcome o = run("""
                params:
                  v: { type: string, default: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" }
                steps:
                  - { id: a, uses: mem.set, with: { key: a, value: "1" } }
                  - { id: b, uses: mem.set, when: "params.v =~ '(.*a){20}'", with: { key: b, value: "1" } }
                """);
        assertEquals(RunStatus.ROLLED_BACK, o.status());
        assertTrue(o.reason().contains("took longer than 1s"), o.reason());
        assertTrue(sys.values.isEmpty());
    }

    @Test
    void aConditionThatCanNeverBeEvaluatedIsALoadError() throws Exception {
        Path file = dir.resolve("bad-when.yaml");
        Files.writeString(file, """
                apiVersion: cutover/v1
                name: bad
                steps:
                  - { id: a, uses: mem.set, when: "steps['nope'].status == 'SUCCEEDED'", with: { key: a, value: "1" } }
                  - { id: b, uses: mem.set, when: "run.host == 'x'", with: { key: b, value: "1" } }
                """);
        dev.cutover.runbook.InvalidRunbookException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.cutover.runbook.InvalidRunbookException.class, () -> new RunbookLoader(sys.registry()).load(file));
        assertTrue(e.getMessage().contains("step 'nope'"), e.getMessage());
        assertTrue(e.getMessage().contains("run.host"), e.getMessage());
    }

    @Test
    void maskingNeverRewritesTheRecordedValuesThatALaterRollbackUses() throws Exception {
        String where = dir.resolve("payments").toString();
        Path file = dir.resolve("masked.yaml");
        Files.writeString(file, """
                apiVersion: cutover/v1
                name: masked
                params:
                  token: { type: secret, from: "env:TOKEN" }
                  dir:   { type: path, required: true }
                steps:
                  - id: put
                    uses: mem.put
                    with: { key: "${params.dir}", value: "v" }
                    undo: { uses: mem.put, with: { key: "${params.dir}" } }
                """);
        Runbook rb = new RunbookLoader(sys.registry()).load(file);
        Masker masker = new Masker();
        Map<String, String> env = Map.of("TOKEN", "payments");
        Map<String, Object> params = new ParamResolver(env, masker, true).resolve(rb, null, Map.of("dir", where));
        RunOptions options = RunOptions.builder(dir.resolve("state")).operator("tester").environmentVariables(env)
                .build();
        RunOutcome o = new Engine(sys.registry()).run(rb, params, options, masker, RunListener.NONE, new Abort());
        assertEquals(RunStatus.SUCCEEDED, o.status());
        assertEquals("v", sys.values.get(where));
        List<JournalEvent> events = events(o);
        @SuppressWarnings("unchecked")
        Map<String, Object> recorded = (Map<String, Object>) events.get(0).data().get("params");
        assertEquals(where, recorded.get("dir"), "a path containing a word equal to a secret is recorded as it is");
        assertEquals("***", recorded.get("token"));
        JournalEvent intent = events.stream().filter(e -> e.event().equals("step.intent")).findFirst().orElseThrow();
        assertEquals(where, ((Map<?, ?>) intent.data().get("undo_inputs")).get("key"));
        assertFalse(java.nio.file.Files.readString(o.journal()).contains("\"payments\""), "the secret itself is not");

        Masker again = new Masker();
        Map<String, Object> resolvedAgain = new ParamResolver(env, again, true).resolveRecorded(rb, recorded);
        RunOutcome back = new Recovery(sys.registry()).rollback(o.runDirectory(), rb, resolvedAgain, options, again,
                RunListener.NONE, new Abort(), "test", false);
        assertEquals(RunStatus.ROLLED_BACK, back.status(), back.manualActions().toString());
        assertNull(sys.values.get(where), "the undo used the recorded path, not '.../***'");
    }
}
