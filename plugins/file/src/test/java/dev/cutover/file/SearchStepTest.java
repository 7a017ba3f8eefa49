package dev.cutover.file;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** file.contains and file.matches read real files: present, absent, and what fails. */
class SearchStepTest {
    @TempDir
    Path dir;

    private Path conf() throws Exception {
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "# release\nrelease=2.4.1\nlisten=0.0.0.0:8080\nrelease_notes=none\n");
        return conf;
    }

    @Test
    void containsFindsTheFirstLineAndCountsThem() throws Exception {
        StepRecording r = StepTestKit.of(new ContainsStep()).with("path", conf()).with("text", "release")
                .apply().assertSucceeded();
        assertEquals(1L, ((Number) r.output("line")).longValue());
        assertEquals(3L, ((Number) r.output("count")).longValue());
    }

    @Test
    void containsFailsNamingTheFileWhenTheTextIsMissing() throws Exception {
        StepRecording r = StepTestKit.of(new ContainsStep()).with("path", conf()).with("text", "release=3")
                .apply().assertFailed();
        assertTrue(r.error().contains("no line of " + dir.resolve("app.conf") + " (4 lines) has text 'release=3'"),
                r.error());
    }

    @Test
    void absentPassesWhenNoLineHasItAndFailsNamingTheLineWhenOneDoes() throws Exception {
        Path conf = conf();
        StepTestKit.of(new ContainsStep()).with("path", conf).with("text", "debug=true").with("present", false)
                .apply().assertSucceeded();
        StepRecording r = StepTestKit.of(new ContainsStep()).with("path", conf).with("text", "0.0.0.0")
                .with("present", false).apply().assertFailed();
        assertTrue(r.error().startsWith(conf + ":3 has text '0.0.0.0'"), r.error());
    }

    @Test
    void matchesUsesARegularExpressionAnywhereInTheLine() throws Exception {
        StepRecording r = StepTestKit.of(new MatchesStep()).with("path", conf())
                .with("regex", "^release=2\\.\\d+\\.\\d+$").apply().assertSucceeded();
        assertEquals(2L, ((Number) r.output("line")).longValue());
        assertEquals(1L, ((Number) r.output("count")).longValue());
        StepTestKit.of(new MatchesStep()).with("path", conf()).with("regex", "^release=3\\.").apply().assertFailed();
    }

    @Test
    void aSecretTextIsMaskedInTheFailure() throws Exception {
        StepRecording r = StepTestKit.of(new ContainsStep()).with("path", conf()).secret("text", "hunter2-pw")
                .apply().assertFailed();
        assertFalse(r.error().contains("hunter2-pw"), r.error());
    }

    @Test
    void aBadRegularExpressionIsALoadError() {
        assertEquals(1, new MatchesStep().checkLiterals(Map.of("path", "x", "regex", "([a-")).size());
        assertEquals(0, new MatchesStep().checkLiterals(Map.of("path", "x", "regex", "${params.r}")).size());
    }

    @Test
    void aMissingFileSaysSoWithoutAJavaClassName() throws Exception {
        StepRecording r = StepTestKit.of(new ContainsStep()).with("path", dir.resolve("nope.conf")).with("text", "x")
                .apply().assertFailed();
        assertTrue(r.error().contains("no such file"), r.error());
        assertFalse(r.error().contains("Exception"), r.error());
    }
}
