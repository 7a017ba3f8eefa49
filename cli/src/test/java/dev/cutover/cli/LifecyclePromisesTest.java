package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run lifecycle's promises through the CLI: undo what a failed step may have done, re-validation, plan. */
class LifecyclePromisesTest {
    @TempDir
    Path dir;

    private CliRun cutover(String... args) {
        String[] base = {"--no-color", "--state-dir", dir.resolve("state").toString()};
        return CliRun.of(Stream.concat(Stream.of(args[0]), Stream.concat(Stream.of(base),
                Stream.of(args).skip(1))).toArray(String[]::new));
    }

    private Path runbook(String name, String body) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, "apiVersion: cutover/v1\nname: " + name.replace(".yaml", "") + "\n" + body);
        return f;
    }

    private List<JournalEvent> lastJournal() throws Exception {
        try (var s = Files.list(dir.resolve("state/runs"))) {
            Path last = s.sorted().reduce((a, b) -> b).orElseThrow();
            return JournalReader.read(last.resolve("journal.jsonl")).events();
        }
    }

    @Test
    void aStepThatChangedAFileAndTimedOutIsUndone() throws Exception {
        Path f = dir.resolve("f");
        Files.writeString(f, "v1\n");
        Path rb = runbook("timeout.yaml", """
                params:
                  f: { type: path, required: true }
                steps:
                  - id: write-then-hang
                    uses: shell.exec
                    with:
                      command: [sh, -c, 'echo v2 > "$F"; sleep 30']
                      env: { F: "${params.f}" }
                    timeout: 2s
                    undo:
                      uses: shell.exec
                      with: { command: [sh, -c, 'echo v1 > "$F"'], env: { F: "${params.f}" } }
                """);
        CliRun r = cutover("run", rb.toString(), "--yes", "--set", "f=" + f);
        assertEquals(1, r.exit(), r.all());
        assertEquals("v1\n", Files.readString(f), "the timed-out step's change must be undone");
        assertTrue(r.out().contains("ROLLED_BACK"), r.out());
        JournalEvent probed = lastJournal().stream().filter(e -> e.event().equals("step.probed")).findFirst()
                .orElseThrow(() -> new AssertionError("no step.probed event"));
        assertEquals("UNKNOWN", probed.data().get("result"));
        assertEquals(true, probed.data().get("will_undo"));
    }

    @Test
    void rollbackProvesTheSystemIsBackWithoutReassertingTheNewState() throws Exception {
        Path f = dir.resolve("ca");
        Files.writeString(f, "old\n");
        Path healthy = dir.resolve("healthy");
        Path rb = runbook("reval.yaml", """
                params:
                  f: { type: path, required: true }
                  healthy: { type: path, required: true }
                preflight:
                  - id: ca-today
                    uses: shell.exec
                    with: { command: [cat, "${params.f}"], readonly: true }
                steps:
                  - id: rotate
                    uses: shell.exec
                    with: { command: [sh, -c, 'echo new > "$F"'], env: { F: "${params.f}" } }
                    undo: { uses: shell.exec, with: { command: [sh, -c, 'echo old > "$F"'], env: { F: "${params.f}" } } }
                validate:
                  - id: on-target-ca
                    uses: shell.exec
                    with: { command: [grep, -qx, new, "${params.f}"], readonly: true }
                  - id: app-healthy
                    uses: shell.exec
                    with: { command: [test, -f, "${params.healthy}"], readonly: true }
                    revalidate: true
                rollback:
                  - id: heal
                    uses: shell.exec
                    with: { command: [touch, "${params.healthy}"] }
                """);
        CliRun r = cutover("run", rb.toString(), "--yes", "--set", "f=" + f, "--set", "healthy=" + healthy);
        assertEquals(1, r.exit(), r.all());
        assertEquals("old\n", Files.readString(f));
        assertTrue(r.out().contains("re-validation: proven: 1 preflight check(s) match the facts before the change"),
                r.out());
        assertFalse(lastJournal().stream().anyMatch(e -> "revalidate".equals(e.section())
                && "on-target-ca".equals(e.step())), "the check of the new state must not run after the rollback");
    }

    @Test
    void aRollbackWhoseUndoForgetsSomethingIsCaughtByTheFacts() throws Exception {
        Path f = dir.resolve("conf");
        Files.writeString(f, "v1\n");
        Path rb = runbook("forgetful.yaml", """
                params:
                  f: { type: path, required: true }
                preflight:
                  - id: conf-today
                    uses: shell.exec
                    with: { command: [cat, "${params.f}"], readonly: true }
                steps:
                  - id: change
                    uses: shell.exec
                    with: { command: [sh, -c, 'echo v2 > "$F"'], env: { F: "${params.f}" } }
                    undo: { uses: shell.exec, with: { command: ["true"] } }
                validate:
                  - id: never
                    uses: shell.exec
                    with: { command: ["false"], readonly: true }
                """);
        CliRun r = cutover("run", rb.toString(), "--yes", "--set", "f=" + f);
        assertEquals(4, r.exit(), r.all());
        assertTrue(r.out().contains("MANUAL ACTION REQUIRED"), r.out());
        assertTrue(r.out().contains("conf-today"), r.out());
    }

    @Test
    void planSaysWhichStepsItWouldSkip() throws Exception {
        Path rb = runbook("when.yaml", """
                params:
                  platform: { type: string, default: local }
                steps:
                  - id: restart-on-aws
                    uses: shell.exec
                    when: "params.platform == 'aws'"
                    with: { command: [systemctl, restart, app] }
                    no_undo: a restart
                  - id: restart-locally
                    uses: shell.exec
                    when: "params.platform == 'local'"
                    with: { command: ["true"] }
                    no_undo: a restart
                """);
        CliRun r = cutover("plan", rb.toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("would skip: condition false: params.platform == 'aws'"), r.out());
        assertFalse(r.out().contains("systemctl restart"), r.out());
    }

    @Test
    void nothingRunsBeforeEveryInputIsKnown() throws Exception {
        Path marker = dir.resolve("changed");
        String first = """
                params:
                  marker: { type: path, required: true }
                steps:
                  - id: first-change
                    uses: shell.exec
                    with: { command: [touch, "${params.marker}"] }
                    no_undo: test
                """;
        Path env = runbook("unknown-env.yaml", first + """
                  - id: reads-env
                    uses: shell.exec
                    with: { command: [echo, "${env.CUTOVER_TEST_SURELY_UNSET}"] }
                    no_undo: test
                """);
        Path literal = runbook("bad-literal.yaml", first + """
                  - id: bad-literal
                    uses: shell.exec
                    with: { command: ["true"], expect_exit: [abc] }
                    no_undo: test
                """);
        for (String command : List.of("validate", "plan", "run")) {
            for (Path rb : List.of(env, literal)) {
                CliRun r = command.equals("run")
                        ? cutover(command, rb.toString(), "--yes", "--set", "marker=" + marker)
                        : cutover(command, rb.toString(), "--set", "marker=" + marker);
                assertEquals(2, r.exit(), command + ": " + r.all());
                assertTrue(r.all().contains(rb == env ? "CUTOVER_TEST_SURELY_UNSET, which is not set"
                        : "'abc' is not an exit code"), command + ": " + r.all());
                assertFalse(Files.exists(marker), command + " must not run anything");
            }
        }
    }

    @Test
    void planShowsWhereALaterStepReadsAnEarlierStepsDeclaredOutput() throws Exception {
        Path rb = runbook("outputs.yaml", """
                steps:
                  - id: make-version
                    uses: shell.exec
                    with: { command: [echo, "2.1"] }
                    no_undo: test
                  - id: use-version
                    uses: shell.exec
                    with: { command: [echo, "deploying ${steps.make-version.outputs.stdout}"] }
                    no_undo: test
                """);
        CliRun r = cutover("plan", rb.toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("deploying <stdout of step 'make-version'>"), r.out());
    }
}
