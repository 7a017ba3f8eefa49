package dev.cutover.cli;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.rehearse.Rehearsal;
import dev.cutover.rehearse.RehearsalPlan;
import dev.cutover.rehearse.RehearsalReport;
import dev.cutover.run.RunListener;
import dev.cutover.run.RunOptions;
import dev.cutover.run.RunStatus;
import dev.cutover.run.StepOutcome;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C during a rehearsal stops the current run the engine's way (it rolls back) and starts no other. */
class RehearsalInterruptTest {
    static final String RUNBOOK = """
            apiVersion: cutover/v1
            name: two-files
            params:
              dir: { type: path, required: true }
            preflight:
              - id: files-today
                uses: shell.exec
                with: { command: [sh, -c, 'ls "$D"'], env: { D: "${params.dir}" }, readonly: true }
            steps:
              - id: write-a
                uses: shell.exec
                with: { command: [touch, "${params.dir}/a"] }
                undo: { uses: shell.exec, with: { command: [rm, -f, "${params.dir}/a"] } }
              - id: write-b
                uses: shell.exec
                with: { command: [touch, "${params.dir}/b"] }
                undo: { uses: shell.exec, with: { command: [rm, -f, "${params.dir}/b"] } }
            """;

    @TempDir
    Path dir;

    @Test
    void anInterruptStopsTheCurrentRunWhichRollsBackAndNoOtherRunStarts() throws Exception {
        Path env = Files.createDirectories(dir.resolve("env"));
        Path file = Files.writeString(dir.resolve("runbook.yaml"), RUNBOOK);
        StepTypeRegistry registry = StepTypeRegistry.load();
        Runbook rb = new RunbookLoader(registry).load(file);
        Masker masker = new Masker();
        Map<String, Object> params = new ParamResolver(Map.of(), masker, true).resolve(rb, null,
                Map.of("dir", env.toString()));
        Rehearsal rehearsal = new Rehearsal(registry);
        RehearsalReport report = rehearsal.run(rb, params, RehearsalPlan.failEach(rb, registry, params, Map.of()), true,
                RunOptions.builder(dir.resolve("state")).environmentVariables(Map.of()).build(),
                List.of("*_ms"), masker, new RunListener() {
                    @Override
                    public void stepFinished(String section, StepOutcome outcome) {
                        if (section.equals("steps") && outcome.id().equals("write-a")) {
                            assertTrue(rehearsal.interrupt(), "nothing is rolling back yet");
                        }
                    }
                }, Rehearsal.Progress.NONE);
        assertEquals(1, report.attempts().size(), report.toString());
        assertEquals(RunStatus.ROLLED_BACK, report.attempts().get(0).status());
        assertEquals("interrupted by the operator", report.stopped());
        assertEquals(List.of("write-b: the rehearsal was interrupted first"), report.notRun());
        assertEquals(1, report.exitCode());
        try (var files = Files.list(env)) {
            assertEquals(0, files.count(), "nothing was left behind");
        }
    }
}
