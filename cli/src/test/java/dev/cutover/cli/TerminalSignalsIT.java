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
