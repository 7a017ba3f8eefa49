package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.journal.JournalVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C (a real SIGINT) during a step and during rollback; and a step in doubt that nothing can decide. */
class InterruptAndDoubtIT {
    @TempDir
    Path dir;

    private Process start(List<String> jvm, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", JarProcessIT.JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
                .start();
    }

    private List<JournalEvent> journal(Path state) throws Exception {
        if (!Files.isDirectory(state.resolve("runs"))) {
            return List.of();
        }
        try (var s = Files.list(state.resolve("runs"))) {
            Path j = s.findFirst().map(p -> p.resolve("journal.jsonl")).orElse(null);
            return j == null || !Files.exists(j) ? List.of() : JournalReader.read(j).events();
        }
    }

    private void waitFor(Path state, String event, String step) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (journal(state).stream().anyMatch(e -> e.event().equals(event) && step.equals(e.step()))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + event + " of " + step + ":\n" + Files.readString(dir.resolve("out.log")));
    }

    private static void sigint(Process p) throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    }

    @Test
    void ctrlCStopsTheStepRollsBackAndASecondCtrlCCannotStopTheRollback() throws Exception {
        Path pidFile = dir.resolve("sleep.pid");
        Path marker = dir.resolve("changed");
        String yaml = """
                apiVersion: cutover/v1
                name: interrupt
                steps:
                  - id: change
                    uses: shell.exec
                    with: { command: [touch, "%1$s"] }
                    undo:
                      uses: shell.exec
                      with: { command: [sh, -c, 'sleep 2; rm -f "$M"'], env: { M: "%1$s" } }
                  - id: slow
                    uses: shell.exec
                    with: { command: [sh, -c, 'sleep 120 & echo $! > "$P"; wait'], env: { P: "%2$s" } }
                    no_undo: test
                """.formatted(marker, pidFile);
        Path rb = dir.resolve("int.yaml");
        Files.writeString(rb, yaml);
        Path state = dir.resolve("state");
        Process p = start(List.of(), "run", rb.toString(), "--yes", "--state-dir", state.toString());
        waitFor(state, "step.started", "slow");
        Thread.sleep(300);
        sigint(p);
        waitFor(state, "undo.started", "change");
        sigint(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(dir.resolve("out.log"));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("interrupted by the operator (Ctrl-C, SIGINT); stopping the current step"), out);
        assertTrue(out.contains("rollback is in progress and must finish"), out);
        assertFalse(Files.exists(marker), "the completed step was undone");
        long sleepPid = Long.parseLong(Files.readString(pidFile).trim());
        assertFalse(RunSemanticsTest.running(sleepPid), "the interrupted step's child process was stopped");
        assertTrue(JournalVerifier.verify(state.resolve("runs").toFile().listFiles()[0].toPath()
                .resolve("journal.jsonl")).ok());
    }

    @Test
    void aStepInDoubtWithoutProbeIsRefusedUntilTheOperatorDecides() throws Exception {
        Path marker = dir.resolve("m");
        String yaml = """
                apiVersion: cutover/v1
                name: doubt
                steps:
                  - id: change
                    uses: shell.exec
                    with: { command: [touch, "%1$s"] }
                    undo: { uses: shell.exec, with: { command: [rm, -f, "%1$s"] } }
                """.formatted(marker);
        Path rb = dir.resolve("doubt.yaml");
        Files.writeString(rb, yaml);
        Path state = dir.resolve("state");
        Process p = start(List.of("-Dcutover.test.pauseAfterEvent=3"), "run", rb.toString(), "--yes", "--state-dir",
                state.toString());
        waitFor(state, "step.intent", "change");
        Thread.sleep(200);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        String runDir = state.resolve("runs").toFile().listFiles()[0].toString();
        Process refused = start(List.of(), "resume", runDir, "--yes", "--runbook", rb.toString(), "--state-dir", state.toString());
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(dir.resolve("out.log"));
        assertEquals(5, refused.exitValue(), out);
        assertTrue(out.contains("is in doubt") && out.contains("--assume"), out);
        Process decided = start(List.of(), "resume", runDir, "--yes", "--runbook", rb.toString(), "--assume", "not-done", "--state-dir", state.toString());
        assertTrue(decided.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, decided.exitValue(), Files.readString(dir.resolve("out.log")));
        assertTrue(Files.exists(marker), "the step was run again after 'not-done'");
    }

    static String read(Process p) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        p.getInputStream().transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }
}
