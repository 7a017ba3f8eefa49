package dev.cutover.file;

import dev.cutover.testkit.DeclaredOutputs;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** Every file step type outputs exactly what it declares. */
class FileDeclaredOutputsTest {
    @TempDir
    Path dir;

    @Test
    void everyFileStepOutputsWhatItDeclares() throws Exception {
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "a=1\n");
        Path other = dir.resolve("other.conf");
        Files.writeString(other, "a=2\n");

        DeclaredOutputs.assertMatch(new WriteStep(), StepTestKit.of(new WriteStep())
                .with("path", conf).with("content", "a=3\n").apply());
        DeclaredOutputs.assertMatch(new WriteStep(), StepTestKit.of(new WriteStep())
                .with("path", dir.resolve("fresh.conf")).with("content", "new\n").apply());
        DeclaredOutputs.assertMatch(new CopyStep(), StepTestKit.of(new CopyStep())
                .with("path", conf).with("source", other).apply());
        StepRecording backup = DeclaredOutputs.assertMatch(new BackupStep(), StepTestKit.of(new BackupStep())
                .with("path", conf).apply());
        Files.writeString(conf, "changed\n");
        DeclaredOutputs.assertMatch(new RestoreStep(), StepTestKit.of(new RestoreStep())
                .with("path", conf).with("backup", backup.output("backup")).apply());
        DeclaredOutputs.assertMatch(new ContainsStep(), StepTestKit.of(new ContainsStep()).with("path", conf)
                .with("text", "a=").apply());
        DeclaredOutputs.assertMatch(new MatchesStep(), StepTestKit.of(new MatchesStep()).with("path", conf)
                .with("regex", "^a=\\d$").apply());
    }
}
