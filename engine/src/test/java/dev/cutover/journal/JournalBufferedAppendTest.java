package dev.cutover.journal;

import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalBufferedAppendTest {
    @TempDir
    Path dir;

    @Test
    void bufferedEventIsWrittenAtOnceAndChainsLikeAnyOther() throws Exception {
        Masker m = new Masker();
        m.register("s3cret-value");
        Path file = dir.resolve("run").resolve(Journal.FILE_NAME);
        try (Journal j = Journal.create(dir.resolve("run"), "run-1", "alice", m)) {
            j.append("run.started", null, null, null, Map.of());
            j.appendBuffered("step.started", "a", "steps", 1, Map.of("inputs", Map.of("token", "s3cret-value")));
            // written before the next append: a crash of the process right here keeps it
            assertEquals(2, Files.readAllLines(file, StandardCharsets.UTF_8).size());
            j.append("step.intent", "a", "steps", 1, Map.of("undo", Map.of()));
            j.appendBuffered("step.started", "b", "steps", 1, Map.of());
        }
        // close() fsyncs the buffered tail; the chain holds and the secret is masked
        JournalVerifier.Verdict v = JournalVerifier.verify(file);
        assertTrue(v.ok(), v.problem());
        assertEquals(List.of("run.started", "step.started", "step.intent", "step.started"),
                v.events().stream().map(JournalEvent::event).toList());
        assertFalse(Files.readString(file).contains("s3cret-value"));
    }

    @Test
    void reopenedJournalContinuesAfterABufferedEvent() throws Exception {
        try (Journal j = Journal.create(dir.resolve("run"), "run-1", "alice", new Masker())) {
            j.append("run.started", null, null, null, Map.of());
            j.appendBuffered("step.started", "a", "steps", 1, Map.of());
        }
        try (Journal j = Journal.reopen(dir.resolve("run"), "bob", new Masker())) {
            assertEquals(2, j.events().size());
            j.append("run.resumed", null, null, null, Map.of());
        }
        assertTrue(JournalVerifier.verify(dir.resolve("run").resolve(Journal.FILE_NAME)).ok());
    }
}
