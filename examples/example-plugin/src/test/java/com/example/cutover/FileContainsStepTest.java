package com.example.cutover;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example plugin's own tests, through the test kit: what a plugin author writes. */
class FileContainsStepTest {
    @TempDir
    Path dir;

    @Test
    void findsTheFirstLineContainingTheTextAndJournalsIt() throws Exception {
        Path conf = Files.writeString(dir.resolve("app.conf"), "name=payments\ntruststore=/srv/new.p12\n");
        StepRecording r = StepTestKit.of(new FileContainsStep()).runDirectory(dir.resolve("run"))
                .with("path", conf.toString()).with("text", "new.p12").apply();
        r.assertSucceeded();
        assertEquals(2L, r.output("line"));
        assertEquals(List.of("step.started", "step.succeeded"), r.eventNames());
    }

    @Test
    void failsNamingTheFileWhenNoLineMatches() throws Exception {
        Path conf = Files.writeString(dir.resolve("app.conf"), "truststore=/srv/old.p12\n");
        StepRecording r = StepTestKit.of(new FileContainsStep()).runDirectory(dir.resolve("run"))
                .with("path", conf.toString()).with("text", "new.p12").apply();
        r.assertFailed();
        assertTrue(r.error().contains("app.conf (1 lines) contains 'new.p12'"), r.error());
    }
}
