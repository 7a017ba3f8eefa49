package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecoveryClaimTest {
    @TempDir
    Path dir;

    private Path run(String id, long pid, String start, String host) throws Exception {
        Path runDir = dir.resolve("runs").resolve(id);
        try (Journal j = Journal.create(runDir, id, "bob", new Masker())) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("operator", "bob");
            h.put("host", host);
            h.put("pid", pid);
            h.put("pid_start", start);
            j.append("run.started", null, null, null, h);
        }
        return runDir;
    }

    private RunOptions options() {
        return RunOptions.builder(dir).environmentVariables(Map.of("CUTOVER_LOCK_DIR", dir.resolve("locks")
                .toString())).build();
    }

    @Test
    void aRunWhoseProcessIsAliveIsRefusedAndNothingIsWritten() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            Path runDir = run("r1", p.pid(), ProcessIdentity.of(p.pid()).orElseThrow().start(), Engine.host());
            byte[] before = Files.readAllBytes(runDir.resolve(Journal.FILE_NAME));
            Recovery.RefusedException e = assertThrows(Recovery.RefusedException.class,
                    () -> RecoveryClaim.take(runDir, options(), true));
            assertTrue(e.getMessage().contains("still running") && e.getMessage().contains("pid " + p.pid()),
                    e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(runDir.resolve(Journal.FILE_NAME)));
            try (var files = Files.list(runDir)) {
                assertTrue(files.count() == 1, "nothing but the journal in the run directory");
            }
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aReusedPidIsNotMistakenForTheRun() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            Path runDir = run("r2", p.pid(), "12345@an-earlier-boot", Engine.host());
            try (RecoveryClaim c = assertDoesNotThrow(() -> RecoveryClaim.take(runDir, options(), false))) {
                assertTrue(c != null);
            }
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    @SuppressWarnings("try")
    void twoRecoveriesOfOneRunCannotOverlap() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path runDir = run("r3", gone.pid(), null, Engine.host());
        try (RecoveryClaim first = RecoveryClaim.take(runDir, options(), false)) {
            Recovery.RefusedException e = assertThrows(Recovery.RefusedException.class,
                    () -> RecoveryClaim.take(runDir, options(), false));
            assertTrue(e.getMessage().contains("being recovered already"), e.getMessage());
        }
        RecoveryClaim.take(runDir, options(), false).close();
    }

    @Test
    void aRunStartedOnAnotherHostIsRefusedUnlessTheOperatorSaysThatHostIsGone() throws Exception {
        Path runDir = run("r4", 1, null, "some-other-host");
        Recovery.RefusedException e = assertThrows(Recovery.RefusedException.class,
                () -> RecoveryClaim.take(runDir, options(), false));
        assertTrue(e.getMessage().contains("some-other-host") && e.getMessage().contains("--force"), e.getMessage());
        RecoveryClaim.take(runDir, options(), true).close();
    }
}
