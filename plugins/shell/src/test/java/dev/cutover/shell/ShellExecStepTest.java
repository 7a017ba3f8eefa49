package dev.cutover.shell;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** shell.exec through the step test kit: real processes, journaled events. */
class ShellExecStepTest {
    @TempDir
    Path dir;

    @Test
    void runsAnArgvListWithoutAShellAndJournalsIntentThenOutcome() throws Exception {
        StepRecording r = StepTestKit.of(new ShellExecStep())
                .with("command", List.of("printf", "%s|", "a b", "$HOME", "*")).apply().assertSucceeded();
        assertEquals("a b|$HOME|*|", r.output("stdout"), "arguments reach the program untouched");
        assertEquals(0, r.output("exit_code"));
        assertEquals(List.of("step.started", "step.intent", "step.succeeded"), r.eventNames());
    }

    @Test
    void anUnexpectedExitCodeFailsWithTheLastLineOfStderr() throws Exception {
        StepRecording r = StepTestKit.of(new ShellExecStep())
                .with("command", List.of("sh", "-c", "echo working; echo 'disk full' >&2; exit 3")).apply();
        r.assertFailed();
        assertTrue(r.error().contains("exited with 3 (expected 0): disk full"), r.error());
        assertEquals(3, r.output("exit_code"));
        StepRecording ok = StepTestKit.of(new ShellExecStep()).with("command", List.of("sh", "-c", "exit 3"))
                .with("expect_exit", List.of(0, 3)).apply();
        ok.assertSucceeded();
    }

    @Test
    void secretsReachTheChildThroughEnvAndStdinButNeverTheOutputsOrTheJournal() throws Exception {
        String secret = "s3cr3t-shell-value";
        Path seen = dir.resolve("seen");
        StepRecording r = StepTestKit.of(new ShellExecStep())
                .with("command", List.of("sh", "-c", "read -r IN; echo \"$PW $IN\" > \"$OUT\"; echo \"echo $PW\""))
                .secret("stdin", secret)
                .with("env", Map.of("OUT", seen.toString()))
                .apply();
        r.assertSucceeded();
        assertEquals(" " + secret, Files.readString(seen).stripTrailing());
        StepRecording withEnv = StepTestKit.of(new ShellExecStep())
                .with("command", List.of("sh", "-c", "echo \"value $PW\"")).secret("stdin", secret)
                .with("env", Map.of("PW", new dev.cutover.spi.Secret(secret))).apply();
        withEnv.assertSucceeded();
        assertEquals("value ***", String.valueOf(withEnv.output("stdout")).strip());
        assertFalse(Files.readString(withEnv.journal()).contains(secret));
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        Path pid = dir.resolve("pid");
        long t0 = System.nanoTime();
        StepRecording r = StepTestKit.of(new ShellExecStep())
                .with("command", List.of("sh", "-c", "sleep 60 & echo $! > \"$P\"; wait"))
                .with("env", Map.of("P", pid.toString())).timeout(Duration.ofMillis(500)).apply();
        r.assertFailed();
        assertTrue(r.error().contains("timed out after"), r.error());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000);
        long child = Long.parseLong(Files.readString(pid).trim());
        Thread.sleep(200);
        String stat = Files.exists(Path.of("/proc/" + child + "/stat")) ? Files.readString(Path.of("/proc/" + child
                + "/stat")) : "gone) X";
        assertTrue(stat.contains(") Z") || stat.contains(") X"), "the child survived: " + stat);
    }

    @Test
    void aTimeoutKillsADoubleForkedSetsidGrandchildToo() throws Exception {
        Path pid = dir.resolve("grandchild.pid");
        StepRecording r = StepTestKit.of(new ShellExecStep()).stepId("setsid-grandchild")
                .with("command", List.of("sh", "-c", "( setsid sh -c 'echo $$ > \"$P\"; exec sleep 60' & ); sleep 60"))
                .with("env", Map.of("P", pid.toString())).timeout(Duration.ofMillis(800)).apply();
        r.assertFailed();
        long grandchild = Long.parseLong(Files.readString(pid).trim());
        assertFalse(alive(grandchild), "the grandchild in its own session was stopped");
        assertEquals(List.of(), dev.cutover.spi.ChildProcesses.tagged("testkit-run/setsid-grandchild"));
    }

    @Test
    void aBackgroundJobLeftRunningIsStoppedWhenTheStepEnds() throws Exception {
        Path pid = dir.resolve("job.pid");
        StepRecording r = StepTestKit.of(new ShellExecStep()).stepId("leaves-a-job")
                .with("command", List.of("sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $! > \"$P\""))
                .with("env", Map.of("P", pid.toString())).apply().assertSucceeded();
        long job = Long.parseLong(Files.readString(pid).trim());
        assertFalse(alive(job), "no process outlives its step");
        assertEquals("1 process (sleep)", r.output("stopped_leftovers"));
    }

    @Test
    void theCommandRunsInASessionOfItsOwnTaggedWithRunAndStep() throws Exception {
        StepRecording r = StepTestKit.of(new ShellExecStep()).stepId("whoami")
                .with("command", List.of("sh", "-c", "echo \"$$ $(cut -d' ' -f6 /proc/$$/stat) $CUTOVER_STEP_TAG\""))
                .apply().assertSucceeded();
        String[] f = String.valueOf(r.output("stdout")).trim().split("\\s+");
        assertEquals(f[0], f[1], "the command leads its own session, so a terminal Ctrl-C does not reach it");
        assertEquals("testkit-run/whoami", f[2]);
    }

    static boolean alive(long pid) throws java.io.IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s;
        try {
            s = Files.readString(stat);
        } catch (java.io.IOException e) {
            return false;
        }
        return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    }

    @Test
    void parseJsonExposesStructuredOutputAndRejectsText() throws Exception {
        StepRecording r = StepTestKit.of(new ShellExecStep()).with("command", List.of("echo", "{\"ca\":\"g1\"}"))
                .with("parse", "json").with("readonly", true).apply().assertSucceeded();
        assertEquals(Map.of("ca", "g1"), r.output("json"));
        assertEquals(List.of("step.started", "step.succeeded"), r.eventNames(), "read-only: no intent");
        StepTestKit.of(new ShellExecStep()).with("command", List.of("echo", "not json")).with("parse", "json")
                .apply().assertFailed();
    }

    @Test
    void aMissingProgramIsAClearError() throws Exception {
        StepRecording r = StepTestKit.of(new ShellExecStep()).with("command", List.of("no-such-program-xyz")).apply();
        r.assertFailed();
        assertTrue(r.error().contains("cannot start 'no-such-program-xyz'"), r.error());
    }

    @Test
    void planShowsTheCommandWithSecretsMasked() throws Exception {
        var plan = StepTestKit.of(new ShellExecStep()).with("command", List.of("systemctl", "restart", "app"))
                .with("env", Map.of("TOKEN", new dev.cutover.spi.Secret("abc123"))).plan();
        assertEquals("would run systemctl", plan.summary());
        assertTrue(plan.changes().contains("$ systemctl restart app"), plan.changes().toString());
        assertTrue(plan.changes().contains("  env TOKEN=***"), plan.changes().toString());
    }
}
