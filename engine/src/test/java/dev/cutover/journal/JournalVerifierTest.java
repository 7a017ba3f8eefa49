package dev.cutover.journal;

import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalVerifierTest {
    @TempDir
    Path dir;

    private Path journal(int events) throws Exception {
        Masker m = new Masker();
        m.register("s3cret-value");
        try (Journal j = Journal.create(dir.resolve("run"), "run-1", "alice", m)) {
            j.append("run.started", null, null, null, Map.of("runbook", "demo", "password", "s3cret-value"));
            for (int i = 1; i < events - 1; i++) {
                j.append("step.succeeded", "step-" + i, "steps", 1, Map.of("outputs", Map.of("n", i, "ü", "ß")));
            }
            j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED"));
        }
        return dir.resolve("run/journal.jsonl");
    }

    @Test
    void intactJournalVerifiesAndHoldsNoSecret() throws Exception {
        Path f = journal(5);
        JournalVerifier.Verdict v = JournalVerifier.verify(f);
        assertTrue(v.ok(), v.problem());
        assertEquals(5, v.events().size());
        assertFalse(Files.readString(f).contains("s3cret-value"));
    }

    @Test
    void everySingleByteChangeIsDetected() throws Exception {
        Path f = journal(4);
        byte[] original = Files.readAllBytes(f);
        List<Integer> missed = new ArrayList<>();
        for (int i = 0; i < original.length; i++) {
            byte[] copy = original.clone();
            copy[i] = (byte) (copy[i] == 'a' ? 'b' : copy[i] == '\n' ? ' ' : 'a');
            Files.write(f, copy);
            if (JournalVerifier.verify(f).ok()) {
                missed.add(i);
            }
        }
        assertEquals(List.of(), missed, "byte changes not detected at these offsets");
    }

    @Test
    void removedInsertedReorderedAndTruncatedLinesAreNamed() throws Exception {
        Path f = journal(6);
        List<String> lines = Files.readAllLines(f);
        List<String> removed = new ArrayList<>(lines);
        removed.remove(2);
        Files.write(f, removed);
        JournalVerifier.Verdict v = JournalVerifier.verify(f);
        assertFalse(v.ok());
        assertEquals(3, v.badLine());

        List<String> reordered = new ArrayList<>(lines);
        reordered.set(1, lines.get(2));
        reordered.set(2, lines.get(1));
        Files.write(f, reordered);
        assertEquals(2, JournalVerifier.verify(f).badLine());

        List<String> lastRemoved = new ArrayList<>(lines.subList(0, 5));
        Files.write(f, lastRemoved);
        assertTrue(JournalVerifier.verify(f).ok(), "a shorter chain is intact by itself; the seal catches it");

        String text = String.join("\n", lines) + "\n";
        Files.writeString(f, text.substring(0, text.length() - 10), StandardCharsets.UTF_8);
        v = JournalVerifier.verify(f);
        assertFalse(v.ok());
        assertEquals(6, v.badLine());
        assertTrue(v.problem().contains("incomplete"), v.problem());
    }

    @Test
    void reopenCutsATornTailAndKeepsTheChainValid() throws Exception {
        Path f = journal(3);
        Files.writeString(f, Files.readString(f) + "{\"seq\":4,\"ev", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        try (Journal j = Journal.reopen(dir.resolve("run"), "bob", new Masker())) {
            assertTrue(j.repairedTail().startsWith("{\"seq\":4"));
            j.append("run.resumed", null, null, null, Map.of());
        }
        JournalVerifier.Verdict v = JournalVerifier.verify(f);
        assertTrue(v.ok(), v.problem());
        assertEquals(4, v.events().size());
        assertEquals("bob", v.last().operator());
    }
}
