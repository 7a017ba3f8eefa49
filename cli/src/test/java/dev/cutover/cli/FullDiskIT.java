package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.journal.JournalVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A journal that cannot be written. On a real full disk (a 256 KiB tmpfs in a private mount namespace, as
 * root, as CI runs, filled by a step) the run stops before its next change and rolls back what it can still
 * journal; whatever is left, {@code cutover resume} finishes once there is space, and every journal verifies
 * on the way. With every write failing from a given event on (injected), the run ends {@code STOPPED} with
 * exit 6 and tells the operator what to free and how to continue.
 */
class FullDiskIT {
    @TempDir
    Path dir;

    private static final String RUNBOOK = """
            apiVersion: cutover/v1
            name: full
            params:
              f: { type: path, required: true }
              state: { type: path, required: true }
            steps:
              - id: change
                uses: shell.exec
                with: { command: [sh, -c, 'echo v2 > "$F"'], env: { F: "${params.f}" } }
                undo: { uses: shell.exec, with: { command: [sh, -c, 'echo v1 > "$F"'], env: { F: "${params.f}" } } }
              - id: fill-the-disk
                uses: shell.exec
                with:
                  command: [sh, -c, 'dd if=/dev/zero of="$S/fill" bs=4k 2>/dev/null; yes filled | head -c 60000']
                  env: { S: "${params.state}" }
                no_undo: the test removes the file
            validate:
              - id: never-passes
                uses: shell.exec
                with: { command: ["false"], readonly: true }
            """;

    private static boolean canMountTmpfs() {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt")
                    .redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String status(Path journal) throws Exception {
        List<JournalEvent> ev = JournalReader.read(journal).events();
        return ev.stream().filter(e -> e.event().equals("run.finished")).reduce((a, b) -> b)
                .map(e -> e.dataString("status")).orElse("UNFINISHED");
    }

    @Test
    void onARealFullDiskTheRunStopsAndWhatIsLeftIsFinishedByResumeOnceThereIsSpace() throws Exception {
        assumeTrue(canMountTmpfs(), "needs root and unshare -m to mount a small tmpfs (CI runs as root)");
        Path f = dir.resolve("app.conf");
        Files.writeString(f, "v1\n");
        Path rb = Files.writeString(dir.resolve("full.yaml"), RUNBOOK);
        Path state = dir.resolve("state");
        Path copy = dir.resolve("copy");
        Files.createDirectories(state);
        String script = String.join("\n",
                "set -u",
                "mount -t tmpfs -o size=256k tmpfs \"$STATE\"",
                "\"$JAVA\" -jar \"$JAR\" run \"$RB\" --yes --no-color --state-dir \"$STATE\" --set f=\"$F\" "
                        + "--set state=\"$STATE\" > \"$OUT/run.out\" 2>&1; echo $? > \"$OUT/run.rc\"",
                "mkdir -p \"$COPY\" && cp -r \"$STATE/runs\" \"$COPY/after-stop\"",
                "rm -f \"$STATE/fill\"",
                "RUN=$(ls \"$STATE/runs\" | head -1)",
                "\"$JAVA\" -jar \"$JAR\" resume \"$RUN\" --yes --runbook \"$RB\" --assume done --no-color "
                        + "--state-dir \"$STATE\" > \"$OUT/resume.out\" 2>&1; echo $? > \"$OUT/resume.rc\"",
                "cp -r \"$STATE/runs\" \"$COPY/after-resume\"", "");
        ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "sh", "-c", script).redirectErrorStream(true);
        pb.environment().putAll(Map.of("STATE", state.toString(), "JAVA", java(), "JAR", JarProcessIT.JAR.toString(),
                "RB", rb.toString(), "F", f.toString(), "OUT", dir.toString(), "COPY", copy.toString(),
                "NO_COLOR", "1"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), out);
        String run = Files.readString(dir.resolve("run.out"));
        String rc = Files.readString(dir.resolve("run.rc")).strip();
        assertTrue(rc.equals("6") || rc.equals("1"), "stopped, or rolled back what it could: " + run + out);
        assertTrue(run.contains("the journal could not be written (No space left on device)"), run);
        Path stopped;
        try (var s = Files.list(copy.resolve("after-stop"))) {
            stopped = s.findFirst().orElseThrow().resolve("journal.jsonl");
        }
        JournalVerifier.Verdict v = JournalVerifier.verify(stopped);
        assertTrue(v.ok(), "the journal stays a valid chain on a full disk: " + v.problem());
        assertTrue(v.events().stream().noneMatch(e -> e.event().equals("step.succeeded")
                && "fill-the-disk".equals(e.step())), "the outcome that did not fit is not half-written");
        if (rc.equals("6")) {
            assertTrue(run.contains("STOPPED (exit 6)") && run.contains("cutover resume "), run);
            assertEquals("UNFINISHED", status(stopped));
        }
        Path resumed;
        try (var s = Files.list(copy.resolve("after-resume"))) {
            resumed = s.findFirst().orElseThrow().resolve("journal.jsonl");
        }
        assertTrue(JournalVerifier.verify(resumed).ok());
        assertEquals("ROLLED_BACK", status(resumed), Files.readString(dir.resolve("resume.out")));
        assertEquals("v1\n", Files.readString(f), "the change is undone in the end");
    }

    @Test
    void whenNoEventCanBeWrittenTheRunStopsWithExit6AndSaysHowToContinue() throws Exception {
        Path f = dir.resolve("app.conf");
        Files.writeString(f, "v1\n");
        Path rb = Files.writeString(dir.resolve("full.yaml"), RUNBOOK.replace(
                "'dd if=/dev/zero of=\"$S/fill\" bs=4k 2>/dev/null; yes filled | head -c 60000'", "'echo ok'"));
        Path state = dir.resolve("state");
        // run.started, then change: started, intent, succeeded; fill-the-disk: started, intent; then every write
        // fails, as on a full disk
        List<String> cmd = new ArrayList<>(List.of(java(), "-Dcutover.test.failJournalAfterEvent=6", "-jar",
                JarProcessIT.JAR.toString(), "run", rb.toString(), "--yes", "--no-color", "--state-dir",
                state.toString(), "--set", "f=" + f, "--set", "state=" + state));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String run = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), run);
        assertEquals(6, p.exitValue(), run);
        assertTrue(run.contains("STOPPED (exit 6)"), run);
        assertTrue(run.contains("free space on the file system of") && run.contains("'cutover resume "), run);
        Path journal;
        try (var s = Files.list(state.resolve("runs"))) {
            journal = s.findFirst().orElseThrow().resolve("journal.jsonl");
        }
        JournalVerifier.Verdict v = JournalVerifier.verify(journal);
        assertTrue(v.ok(), v.problem());
        assertEquals("step.intent", v.events().get(v.events().size() - 1).event());
        assertEquals("v2\n", Files.readString(f), "nothing could be journaled, so nothing was undone yet");

        Process resume = new ProcessBuilder(java(), "-jar", JarProcessIT.JAR.toString(), "resume",
                journal.getParent().toString(), "--yes", "--runbook", rb.toString(), "--assume", "done", "--no-color",
                "--state-dir", state.toString()).redirectErrorStream(true).start();
        String out = new String(resume.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(resume.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(1, resume.exitValue(), "validation fails, so the resumed run rolls back: " + out);
        assertEquals("v1\n", Files.readString(f));
        assertTrue(JournalVerifier.verify(journal).ok());
    }
}
