package dev.cutover.cli;

import dev.cutover.journal.JournalVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real full disk: the state directory is a 64 KiB tmpfs in a private mount namespace (root, as CI runs),
 * mostly filled by a ballast file, so the journal cannot take a step's outcome. The run must stop before
 * its next change with exit 6 and say to free space and resume; the journal must still verify; after the
 * ballast is removed, {@code cutover resume} finishes the run.
 */
class FullDiskIT {
    @TempDir
    Path dir;

    private static boolean canMountTmpfs() {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt")
                    .redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aJournalThatCannotBeWrittenStopsTheRunAndResumeFinishesItOnceThereIsSpace() throws Exception {
        assumeTrue(canMountTmpfs(), "needs root and unshare -m to mount a small tmpfs (CI runs as root)");
        Path f = dir.resolve("app.conf");
        Files.writeString(f, "v1\n");
        Path rb = dir.resolve("noisy.yaml");
        Files.writeString(rb, """
                apiVersion: cutover/v1
                name: noisy
                params:
                  f: { type: path, required: true }
                steps:
                  - id: change
                    uses: shell.exec
                    with: { command: [sh, -c, 'echo v2 > "$F"'], env: { F: "${params.f}" } }
                    undo: { uses: shell.exec, with: { command: [sh, -c, 'echo v1 > "$F"'], env: { F: "${params.f}" } } }
                  - id: noisy
                    uses: shell.exec
                    with: { command: [sh, -c, 'yes xxxxxxxxxxxxxxx | head -c 60000'] }
                    no_undo: it only prints
                validate:
                  - id: changed
                    uses: shell.exec
                    with: { command: [grep, -qx, v2, "${params.f}"], readonly: true }
                """);
        Path state = dir.resolve("state");
        Path copy = dir.resolve("copy");
        Files.createDirectories(state);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = JarProcessIT.JAR.toString();
        String script = String.join("\n",
                "set -u",
                "mount -t tmpfs -o size=64k tmpfs \"$STATE\"",
                "dd if=/dev/zero of=\"$STATE/ballast\" bs=4k count=11 2>/dev/null",
                "\"$JAVA\" -jar \"$JAR\" run \"$RB\" --yes --no-color --state-dir \"$STATE\" --set f=\"$F\" "
                        + "> \"$OUT/run.out\" 2>&1; echo $? > \"$OUT/run.rc\"",
                "mkdir -p \"$COPY\" && cp -r \"$STATE/runs\" \"$COPY/after-stop\"",
                "rm -f \"$STATE/ballast\"",
                "RUN=$(ls \"$STATE/runs\" | head -1)",
                "\"$JAVA\" -jar \"$JAR\" resume \"$RUN\" --yes --assume done --no-color --state-dir \"$STATE\" "
                        + "> \"$OUT/resume.out\" 2>&1; echo $? > \"$OUT/resume.rc\"",
                "cp -r \"$STATE/runs\" \"$COPY/after-resume\"", "");
        ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "sh", "-c", script).redirectErrorStream(true);
        pb.environment().putAll(java.util.Map.of("STATE", state.toString(), "JAVA", javaBin, "JAR", jar, "RB",
                rb.toString(), "F", f.toString(), "OUT", dir.toString(), "COPY", copy.toString(), "NO_COLOR", "1"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        String run = Files.readString(dir.resolve("run.out"));
        assertEquals("6", Files.readString(dir.resolve("run.rc")).strip(), run + out);
        assertTrue(run.contains("STOPPED (exit 6)"), run);
        assertTrue(run.contains("the journal could not be written"), run);
        assertTrue(run.contains("cutover resume "), run);
        Path stopped;
        try (var s = Files.list(copy.resolve("after-stop"))) {
            stopped = s.findFirst().orElseThrow();
        }
        JournalVerifier.Verdict v = JournalVerifier.verify(stopped.resolve("journal.jsonl"));
        assertTrue(v.ok(), "the journal must stay a valid chain: " + v.problem());
        List<String> names = v.events().stream().map(e -> e.event()).toList();
        assertEquals("step.intent", names.get(names.size() - 1), names.toString());
        String resume = Files.readString(dir.resolve("resume.out"));
        assertEquals("0", Files.readString(dir.resolve("resume.rc")).strip(), resume);
        assertEquals("v2\n", Files.readString(f));
        try (var s = Files.list(copy.resolve("after-resume"))) {
            Path resumed = s.findFirst().orElseThrow();
            assertTrue(JournalVerifier.verify(resumed.resolve("journal.jsonl")).ok());
        }
    }
}
