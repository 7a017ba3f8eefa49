package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two-person approval with two real processes: the run waits at its approval step; two approvers sign with
 * their own keys from another process ({@code cutover approve}); one key signing twice counts once; the run
 * goes on only after two distinct keys approved, and {@code verify --approver-keys} checks both offline.
 */
class SignedApprovalRunIT {
    @TempDir
    Path dir;

    private Process start(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JarProcessIT.JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().put("NO_COLOR", "1");
        pb.redirectOutput(dir.resolve("out-" + System.nanoTime() + ".log").toFile());
        return pb.start();
    }

    private int cutover(String... args) throws Exception {
        Process p = start(args);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "cutover " + String.join(" ", args) + " hung");
        return p.exitValue();
    }

    @Test
    void twoApprovalsNeedTwoKeysAndTheRunWaitsForThem() throws Exception {
        Path keys = dir.resolve("approvers");
        Files.createDirectories(keys);
        for (String who : List.of("alice", "bob")) {
            assertEquals(0, cutover("keygen", "--out", dir.resolve(who).toString()));
            Files.copy(dir.resolve(who).resolve("cutover-sign-pub.pem"), keys.resolve(who + ".pem"));
        }
        Path marker = dir.resolve("changed");
        Path rb = dir.resolve("approved.yaml");
        Files.writeString(rb, """
                apiVersion: cutover/v1
                name: approved
                params:
                  marker: { type: path, required: true }
                steps:
                  - id: go-ahead
                    uses: approval
                    with: { message: "Rotate the production CA?", approvals: 2 }
                    timeout: 2m
                  - id: change
                    uses: shell.exec
                    with: { command: [touch, "${params.marker}"] }
                    no_undo: test
                """);
        Path state = dir.resolve("state");
        Process run = start("run", rb.toString(), "--yes", "--no-color", "--state-dir", state.toString(),
                "--approver-keys", keys.toString(), "--set", "marker=" + marker);
        Path journal = null;
        for (int i = 0; i < 600 && journal == null; i++) {
            Thread.sleep(100);
            if (Files.isDirectory(state.resolve("runs"))) {
                try (var s = Files.list(state.resolve("runs"))) {
                    Path j = s.map(d -> d.resolve("journal.jsonl")).filter(Files::exists).findFirst().orElse(null);
                    if (j != null && Files.readString(j).contains("\"step\":\"go-ahead\"")) {
                        journal = j;
                    }
                }
            }
        }
        assertTrue(journal != null, "the run never reached its approval step");
        String runId = journal.getParent().getFileName().toString();
        String key = dir.resolve("alice/cutover-sign-key.pem").toString();
        assertEquals(0, cutover("approve", runId, "--step", "go-ahead", "--key", key, "--as", "alice", "--state-dir",
                state.toString(), "--reason", "reviewed CHG-1"));
        assertEquals(0, cutover("approve", runId, "--step", "go-ahead", "--key", key, "--as", "alice again",
                "--state-dir", state.toString()));
        Thread.sleep(2000);
        assertTrue(run.isAlive(), "one person's key, twice, must not satisfy two approvals");
        assertTrue(!Files.exists(marker));
        assertEquals(0, cutover("approve", runId, "--step", "go-ahead", "--key",
                dir.resolve("bob/cutover-sign-key.pem").toString(), "--as", "bob", "--state-dir", state.toString()));
        assertTrue(run.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue());
        assertTrue(Files.exists(marker));
        List<JournalEvent> granted = JournalReader.read(journal).events().stream()
                .filter(e -> e.event().equals("approval.granted")).toList();
        assertEquals(2, granted.size(), granted.toString());
        assertEquals(2, granted.stream().map(e -> e.data().get("key_fingerprint")).distinct().count());
        assertEquals(0, cutover("verify", runId, "--state-dir", state.toString(), "--approver-keys", keys.toString()));
        Path aliceOnly = dir.resolve("alice-only");
        Files.createDirectories(aliceOnly);
        Files.copy(keys.resolve("alice.pem"), aliceOnly.resolve("alice.pem"));
        assertEquals(1, cutover("verify", runId, "--state-dir", state.toString(), "--approver-keys",
                aliceOnly.toString()), "an approval signed by a key the auditor does not trust must fail verify");
    }
}
