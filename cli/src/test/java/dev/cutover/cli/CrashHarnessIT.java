package dev.cutover.cli;

import dev.cutover.journal.JournalVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills the real CLI process with SIGKILL after every journal event of a runbook with mutating
 * steps, then runs {@code cutover resume}, and checks that the run always ends consistently: the
 * right final status, the system state that goes with it, and a journal that verifies.
 */
class CrashHarnessIT {
    @TempDir
    Path dir;

    private static final String RUNBOOK = """
            apiVersion: cutover/v1
            name: crash
            params:
              dir: { type: path, required: true }
              fail: { type: string, default: "no" }
            preflight:
              - id: dir-exists
                uses: shell.exec
                with: { command: [test, -d, "${params.dir}"], readonly: true }
            steps:
            %s
            validate:
              - id: all-there
                uses: shell.exec
                with:
                  readonly: true
                  command: [sh, -c, 'test -f "$D/f1" && test -f "$D/f2" && test -f "$D/f3" && test "$FAIL" != yes || { test "$FAIL" = yes && test ! -f "$D/f1"; }']
                  env: { D: "${params.dir}", FAIL: "${params.fail}" }
            """;

    private static String step(int i) {
        return """
                  - id: create-%1$d
                    uses: shell.exec
                    with: { command: [touch, "${params.dir}/f%1$d"] }
                    undo: { uses: shell.exec, with: { command: [rm, -f, "${params.dir}/f%1$d"] } }
                    probe: { uses: shell.exec, with: { command: [test, -f, "${params.dir}/f%1$d"], readonly: true } }
                """.formatted(i);
    }

    record Proc(int exit, String out) {
    }

    /** Runs the real CLI; kills it with SIGKILL when it says it paused after an event. */
    static Proc cutover(List<String> jvm, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", JarProcessIT.JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.startsWith("cutover-test: paused after event")) {
                    p.destroyForcibly();   // SIGKILL
                    break;
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Proc(p.exitValue(), out.toString());
    }

    private int crashEveryBoundary(boolean fail) throws Exception {
        Path rb = dir.resolve("crash.yaml");
        Files.writeString(rb, RUNBOOK.formatted(step(1) + step(2) + step(3)));
        String failParam = "fail=" + (fail ? "yes" : "no");
        Path probeState = dir.resolve("probe-state");
        Path probeWork = Files.createDirectories(dir.resolve("probe-work"));
        Proc whole = cutover(List.of(), "run", rb.toString(), "--yes", "--state-dir", probeState.toString(), "--set",
                "dir=" + probeWork, "--set", failParam);
        assertEquals(fail ? 1 : 0, whole.exit(), whole.out());
        int total = JournalVerifier.verify(onlyJournal(probeState)).events().size();
        for (int n = 1; n < total; n++) {
            Path work = Files.createDirectories(dir.resolve((fail ? "f" : "s") + n));
            Path state = dir.resolve("state-" + (fail ? "f" : "s") + n);
            Proc crashed = cutover(List.of("-Dcutover.test.pauseAfterEvent=" + n), "run", rb.toString(), "--yes",
                    "--state-dir", state.toString(), "--set", "dir=" + work, "--set", failParam);
            assertTrue(crashed.out().contains("paused after event " + n), crashed.out());
            Path journal = onlyJournal(state);
            if (n % 2 == 1) {
                Files.writeString(journal, "{\"seq\":" + (n + 1) + ",\"event\":\"step.sta",
                        java.nio.file.StandardOpenOption.APPEND);
            }
            Proc resumed = cutover(List.of(), "resume", journal.getParent().toString(), "--yes", "--runbook", rb.toString(), "--state-dir", state.toString());
            String ctx = "crash after event " + n + " (" + (fail ? "failing" : "passing") + " validation):\n"
                    + resumed.out();
            assertEquals(fail ? 1 : 0, resumed.exit(), ctx);
            for (int i = 1; i <= 3; i++) {
                assertEquals(!fail, Files.exists(work.resolve("f" + i)), ctx + "\nf" + i);
            }
            JournalVerifier.Verdict v = JournalVerifier.verify(journal);
            assertTrue(v.ok(), ctx + "\n" + v.problem());
            assertTrue(v.events().stream().anyMatch(e -> e.event().equals("run.resumed")), ctx);
        }
        return total - 1;
    }

    private static Path onlyJournal(Path state) throws Exception {
        try (var s = Files.list(state.resolve("runs"))) {
            return s.findFirst().orElseThrow().resolve("journal.jsonl");
        }
    }

    @Test
    void everyCrashBoundaryOfASucceedingRunResumesToSucceeded() throws Exception {
        int boundaries = crashEveryBoundary(false);
        assertTrue(boundaries >= 14, "boundaries tested: " + boundaries);
        System.out.println("crash harness: " + boundaries + " boundaries of a succeeding run, all consistent");
    }

    @Test
    void everyCrashBoundaryOfARollingBackRunResumesToRolledBack() throws Exception {
        int boundaries = crashEveryBoundary(true);
        assertTrue(boundaries >= 20, "boundaries tested: " + boundaries);
        System.out.println("crash harness: " + boundaries + " boundaries of a rolling-back run, all consistent");
    }
}
