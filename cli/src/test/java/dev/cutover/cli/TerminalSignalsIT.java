package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalVerifier;
import dev.cutover.spi.ChildProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Promises 3 and 4, attacked through the real CLI (the shaded jar as its own process) on a real
 * pseudo-terminal: Ctrl-C is the ^C byte typed at the terminal, which the line discipline turns into
 * SIGINT for the whole foreground process group (as a user's Ctrl-C does), not a kill of one pid;
 * SIGHUP is the terminal closing. Step processes double-fork and {@code setsid} on purpose.
 */
class TerminalSignalsIT {
    static final Path DRIVER = Path.of("src", "test", "resources", "dev", "cutover", "cli", "pty_driver.py")
            .toAbsolutePath();

    @TempDir
    Path dir;
    private final List<Long> toClean = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        toClean.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private record Terminal(int exit, String screen, String driver) {
    }

    /** Runs cutover on a new pseudo-terminal and acts on it as pty_driver.py describes. */
    private Terminal onTerminal(List<String> actions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", DRIVER.toString(), dir.resolve("screen.log").toString()));
        cmd.addAll(actions);
        cmd.add("--");
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JarProcessIT.JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("NO_COLOR", "1");
        Process p = pb.start();
        String driver = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(150, TimeUnit.SECONDS));
        String screen = Files.exists(dir.resolve("screen.log")) ? Files.readString(dir.resolve("screen.log")) : "";
        String last = driver.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("exit "), driver + "\n" + screen);
        return new Terminal(Integer.parseInt(last.substring(5)), screen, driver);
    }

    /**
     * A step that changes a file (undo puts it back, slowly when {@code slowUndo}) and a step that runs a
     * tree: a background child, and a grandchild that moved to a session of its own and would write
     * {@code written} after a while.
     */
    private Path runbook(boolean slowUndo) throws Exception {
        Files.writeString(dir.resolve("f"), "v1\n");
        String yaml = """
                apiVersion: cutover/v1
                name: signals
                steps:
                  - id: change
                    uses: shell.exec
                    with: { command: [sh, -c, 'echo v2 > "$D/f"'], env: { D: "%1$s" } }
                    undo:
                      uses: shell.exec
                      with: { command: [sh, -c, 'touch "$D/undo-started"; sleep %2$s; echo v1 > "$D/f"'], env: { D: "%1$s" } }
                  - id: transfer
                    uses: shell.exec
                    with:
                      command: [sh, -c, 'sleep 60 & echo "$!;" > "$D/child.pid"; ( setsid sh -c "echo \\"\\$\\$;\\" > $D/grandchild.pid; touch $D/started; sleep 30; touch $D/written" & ); wait']
                      env: { D: "%1$s" }
                    no_undo: the test looks at its processes, not at an undo
                """.formatted(dir, slowUndo ? "2" : "0");
        return Files.writeString(dir.resolve("signals.yaml"), yaml);
    }

    private long pid(String file) throws Exception {
        String s = Files.readString(dir.resolve(file)).trim();
        long pid = Long.parseLong(s.substring(0, s.length() - 1));
        toClean.add(pid);
        return pid;
    }

    private static Path journal(Path state) throws Exception {
        try (var s = Files.list(state.resolve("runs"))) {
            return s.findFirst().orElseThrow().resolve("journal.jsonl");
        }
    }

    /** The tree of step 'transfer' is gone: its child, its setsid grandchild, anything carrying its tag. */
    private void assertTreeGone(Path journal, String context) throws Exception {
        long child = pid("child.pid");
        long grandchild = pid("grandchild.pid");
        assertFalse(RunSemanticsTest.running(child), "the step's child was stopped\n" + context);
        assertFalse(RunSemanticsTest.running(grandchild), "the setsid grandchild was stopped\n" + context);
        String tag = ChildProcesses.tag(journal.getParent().getFileName().toString(), "transfer");
        assertEquals(List.of(), ChildProcesses.tagged(tag), "no process carries " + tag + "\n" + context);
        assertFalse(Files.exists(dir.resolve("written")), "the grandchild is dead, so it never writes");
    }

    private static List<JournalEvent> events(Path journal) throws Exception {
        JournalVerifier.Verdict v = JournalVerifier.verify(journal);
        assertTrue(v.ok(), v.problem());
        return v.events();
    }

    private static String failure(List<JournalEvent> events, String step) {
        return events.stream().filter(e -> e.event().equals("step.failed") && step.equals(e.step()))
                .map(e -> e.dataString("error")).findFirst().orElse("(no step.failed of " + step + ")");
    }

    private static String finalStatus(List<JournalEvent> events) {
        return events.stream().filter(e -> e.event().equals("run.finished")).map(e -> e.dataString("status"))
                .reduce((a, b) -> b).orElse("unfinished");
    }

    @Test
    void ctrlCAtTheTerminalStopsTheStepsWholeTreeRollsBackAndASecondCtrlCDoesNotStopTheUndo() throws Exception {
        Path rb = runbook(true);
        Path state = dir.resolve("state");
        Terminal t = onTerminal(List.of("wait-file", dir.resolve("started").toString(), "intr",
                        "wait-file", dir.resolve("undo-started").toString(), "intr"),
                "run", rb.toString(), "--yes", "--state-dir", state.toString());
        String ctx = t.screen() + "\n" + t.driver();
        assertTrue(t.driver().contains("actions done 6/6"), "both Ctrl-Cs were typed while cutover ran\n" + ctx);
        assertEquals(1, t.exit(), "ROLLED_BACK, not ROLLBACK_FAILED: the undo's own process never saw the ^C\n" + ctx);
        assertEquals("v1\n", Files.readString(dir.resolve("f")), "the change was undone\n" + ctx);
        assertTrue(t.screen().contains("interrupted by the operator (Ctrl-C, SIGINT); stopping the current step"), ctx);
        assertTrue(t.screen().contains("rollback is in progress and must finish; SIGINT refused"), ctx);
        Path journal = journal(state);
        assertTreeGone(journal, ctx);
        List<JournalEvent> events = events(journal);
        assertEquals("ROLLED_BACK", finalStatus(events), ctx);
        assertTrue(failure(events, "transfer").contains("interrupted by the operator (Ctrl-C, SIGINT)"),
                failure(events, "transfer"));
        assertTrue(events.stream().anyMatch(e -> e.event().equals("undo.succeeded") && "change".equals(e.step())),
                "the slow undo finished");
    }

    @Test
    void sigtermRollsBackLikeCtrlCAndStopsTheStepsTree() throws Exception {
        Path rb = runbook(false);
        Path state = dir.resolve("state");
        Terminal t = onTerminal(List.of("wait-file", dir.resolve("started").toString(), "signal", "TERM"),
                "run", rb.toString(), "--yes", "--state-dir", state.toString());
        String ctx = t.screen() + "\n" + t.driver();
        assertEquals(1, t.exit(), "rolled back, not killed with 143\n" + ctx);
        assertTrue(t.screen().contains("terminated by SIGTERM; stopping the current step"), ctx);
        assertEquals("v1\n", Files.readString(dir.resolve("f")), "the change was undone\n" + ctx);
        Path journal = journal(state);
        assertTreeGone(journal, ctx);
        List<JournalEvent> events = events(journal);
        assertTrue(events.stream().anyMatch(e -> e.event().equals("rollback.started")), ctx);
        assertEquals("ROLLED_BACK", finalStatus(events), ctx);
        assertTrue(failure(events, "transfer").contains("terminated by SIGTERM"), failure(events, "transfer"));
    }

    @Test
    void aHungUpTerminalRollsBackLikeCtrlC() throws Exception {
        Path rb = runbook(false);
        Path state = dir.resolve("state");
        Terminal t = onTerminal(List.of("wait-file", dir.resolve("started").toString(), "hangup"),
                "run", rb.toString(), "--yes", "--state-dir", state.toString());
        String ctx = t.screen() + "\n" + t.driver();
        assertEquals(1, t.exit(), "rolled back, not killed by SIGHUP (129)\n" + ctx);
        assertEquals("v1\n", Files.readString(dir.resolve("f")), "the change was undone\n" + ctx);
        Path journal = journal(state);
        assertTreeGone(journal, ctx);
        List<JournalEvent> events = events(journal);
        assertTrue(events.stream().anyMatch(e -> e.event().equals("rollback.started")), ctx);
        assertEquals("ROLLED_BACK", finalStatus(events), ctx);
    }

    @Test
    void aTimeoutKillsADoubleForkedSetsidGrandchildBeforeItWrites() throws Exception {
        String yaml = """
                apiVersion: cutover/v1
                name: timeout
                steps:
                  - id: transfer
                    uses: shell.exec
                    timeout: 2s
                    with:
                      command: [sh, -c, '( setsid sh -c "echo \\"\\$\\$;\\" > $D/grandchild.pid; sleep 5; touch $D/written" & ); sleep 60']
                      env: { D: "%s" }
                    no_undo: the test looks at its processes
                """.formatted(dir);
        Path rb = Files.writeString(dir.resolve("timeout.yaml"), yaml);
        Path state = dir.resolve("state");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JarProcessIT.JAR.toString(), "run", rb.toString(), "--yes", "--state-dir", state.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("timed out after"), out);
        long grandchild = pid("grandchild.pid");
        assertFalse(RunSemanticsTest.running(grandchild), "the setsid grandchild died with the step\n" + out);
        String tag = ChildProcesses.tag(journal(state).getParent().getFileName().toString(), "transfer");
        assertEquals(List.of(), ChildProcesses.tagged(tag), "no process carries " + tag);
        assertFalse(Files.exists(dir.resolve("written")), "and so it never writes");
    }

    @Test
    void afterKill9OfCutoverTheCrashedStepsOrphansAreFoundByTheirTagSoResumeDoesNotTransferTwice() throws Exception {
        String yaml = """
                apiVersion: cutover/v1
                name: crash
                steps:
                  - id: transfer
                    uses: shell.exec
                    with:
                      command: [sh, -c, 'setsid sh -c "echo \\"\\$\\$;\\" > $D/grandchild.pid; sleep 30; echo moved >> $D/ledger" & wait']
                      env: { D: "%s" }
                    no_undo: the ledger is the test's evidence
                """.formatted(dir);
        Path rb = Files.writeString(dir.resolve("crash.yaml"), yaml);
        Path state = dir.resolve("state");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-jar", JarProcessIT.JAR.toString(), "run", rb.toString(), "--yes",
                "--state-dir", state.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile())
                .start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(dir.resolve("grandchild.pid")) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        while (!Files.readString(dir.resolve("grandchild.pid")).trim().endsWith(";") && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        p.destroyForcibly();   // SIGKILL: cutover cannot clean up
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long grandchild = pid("grandchild.pid");
        assertTrue(RunSemanticsTest.running(grandchild), "the orphan outlives the killed cutover");
        Path journal = journal(state);
        Process resumed = new ProcessBuilder(java, "-jar", JarProcessIT.JAR.toString(), "resume",
                journal.getParent().toString(), "--yes", "--runbook", rb.toString(), "--assume", "not-done",
                "--state-dir", state.toString()).redirectErrorStream(true).start();
        String out = new String(resumed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(resumed.waitFor(60, TimeUnit.SECONDS));
        assertFalse(RunSemanticsTest.running(grandchild), "resume must stop the crashed step's orphan\n" + out);
        assertTrue(out.contains("stopped a process left by the crashed run"), out);
        assertTrue(events(journal).stream().anyMatch(e -> e.event().equals("run.resumed")
                && e.data().get("stopped_processes") != null), "the stop is journaled with run.resumed");
        assertEquals(0, resumed.exitValue(), out);
        assertEquals(List.of("moved"), Files.readAllLines(dir.resolve("ledger")), "one transfer, not two\n" + out);
    }
}
