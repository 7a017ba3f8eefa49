package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.journal.JournalVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real cutover process killed with SIGKILL in the middle of a host's step of a rollout (its intent journaled,
 * its outcome not), then {@code cutover resume}: the host in doubt is probed on that host, the hosts the run
 * changed are rolled back, then the change before the block; the host never reached stays untouched.
 */
class FleetResumeIT {
    @TempDir
    Path dir;

    private static List<JournalEvent> events(Path state) throws Exception {
        try (var s = Files.list(state.resolve("runs"))) {
            return JournalReader.read(s.findFirst().orElseThrow().resolve("journal.jsonl")).events();
        }
    }

    @Test
    void aHostLostMidStepIsProbedOnResumeAndTheRolloutIsRolledBackHostByHost() throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, FleetRunTest.runbook("{ batch: 2, canary: 1 }"));
        // a rehearsal to find the event to stop after: web-2's write-config intent
        Path rehearsal = Files.createDirectories(dir.resolve("rehearsal"));
        Path env = FleetRunTest.environment(rehearsal, 3, 1);
        CrashHarnessIT.Proc whole = CrashHarnessIT.cutover(List.of(), "run", rb.toString(), "--env-file", env.toString(), "--yes", "--state-dir",
                rehearsal.resolve("state").toString(), "--set", "trace=" + rehearsal.resolve("trace.log"));
        assertEquals(0, whole.exit(), whole.out());
        long at = events(rehearsal.resolve("state")).stream().filter(e -> e.event().equals("step.intent")
                && "write-config".equals(e.step()) && "web-2".equals(e.dataString("host"))).findFirst().orElseThrow()
                .seq();

        Path work = Files.createDirectories(dir.resolve("work"));
        Path env2 = FleetRunTest.environment(work, 3, 1);
        Path state = work.resolve("state");
        Path trace = work.resolve("trace.log");
        CrashHarnessIT.Proc crashed = CrashHarnessIT.cutover(List.of("-Dcutover.test.pauseAfterEvent=" + at), "run", rb.toString(), "--env-file",
                env2.toString(), "--yes", "--state-dir", state.toString(), "--set", "trace=" + trace);
        assertTrue(crashed.out().contains("paused after event " + at), crashed.out());
        assertEquals("v2", Files.readString(work.resolve("web-1/app.conf")).strip());
        String runDir;
        try (var s = Files.list(state.resolve("runs"))) {
            runDir = s.findFirst().orElseThrow().toString();
        }
        CrashHarnessIT.Proc resumed = CrashHarnessIT.cutover(List.of(), "resume", runDir, "--yes", "--no-color", "--runbook", rb.toString(),
                "--state-dir", state.toString());
        assertEquals(1, resumed.exit(), resumed.out());
        for (int i = 1; i <= 3; i++) {
            assertEquals("v1", Files.readString(work.resolve("web-" + i + "/app.conf")).strip(), resumed.out());
        }
        List<String> t = TraceRunbooks.trace(trace);
        assertEquals(List.of("global-before", "web-1 write", "web-1 restart", "web-1 check", "web-1 undo-write",
                "undo-global-before"), t, resumed.out());
        assertTrue(resumed.out().contains("in doubt after the crash"), resumed.out());
        assertTrue(resumed.out().matches("(?s).*\\nweb-1\\s+rolled back.*\\nweb-2\\s+rolled back\\s+nothing to undo: "
                + "step 'write-config' had not taken effect.*\\nweb-3\\s+not reached.*"), resumed.out());
        List<JournalEvent> ev = JournalVerifier.verify(Path.of(runDir, "journal.jsonl")).events();
        assertTrue(ev.stream().anyMatch(e -> e.event().equals("step.probed") && "web-2".equals(e.dataString("host"))
                && "NOT_DONE".equals(e.dataString("result"))), ev.toString());
        assertTrue(ev.stream().anyMatch(e -> e.event().equals("undo.succeeded") || e.event().equals("step.succeeded")
                && "undo".equals(e.section()) && "web-1".equals(e.dataString("host"))));
        assertTrue(JournalVerifier.verify(Path.of(runDir, "journal.jsonl")).ok());
    }
}
