package dev.cutover.testkit;

import dev.cutover.testing.FakeStepTypes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test kit leaves no {@code cutover-testkit-*} directories in the system temp directory, even when killed. */
class TemporaryRunsTest {
    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

    /** Runs one step through the kit, prints the kit's parent directory, then exits or is "killed" (halt: no hooks). */
    public static void main(String[] args) throws Exception {
        StepRecording r = StepTestKit.of(FakeStepTypes.check("t.nothing", List.of(), Set.of())).apply();
        System.out.println(r.journal().toAbsolutePath().getParent().getParent());
        System.out.flush();
        if (args[0].equals("halt")) {
            Runtime.getRuntime().halt(0);
        }
        System.exit(0);
    }

    private static Path child(String how) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TemporaryRunsTest.class.getName(), how)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        Path parent = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(parent.getFileName().toString().startsWith("cutover-testkit-" + p.pid() + "-"), parent.toString());
        assertEquals(TMP.toRealPath(), parent.getParent().toRealPath());
        return parent;
    }

    @Test
    void aJvmThatEndsLeavesNothingBehind() throws Exception {
        assertFalse(Files.exists(child("exit")));
    }

    @Test
    void whatAKilledJvmLeftIsRemovedByTheNextOneThatUsesTheKit() throws Exception {
        Path left = child("halt");
        assertTrue(Files.isDirectory(left), "a halted JVM runs no shutdown hook, so its directory is still there");

        TemporaryRuns.sweep(TMP);

        assertFalse(Files.exists(left));
    }

    @Test
    void aLiveJvmsDirectoryIsNeverSwept() throws Exception {
        Path mine = TemporaryRuns.parent();

        TemporaryRuns.sweep(TMP);

        assertTrue(Files.isDirectory(mine));
    }
}
