package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README's tour, exactly as printed there: validate, plan with the diff, a run that succeeds, one that rolls back. */
class ReadmeTourTest {

    @Test
    void theToursRunbookDoesWhatTheReadmeSays(@TempDir Path dir) throws Exception {
        String readme = Files.readString(RunbookDocsTest.ROOT.resolve("README.md"));
        int at = readme.indexOf("Save this as `change.yaml`:");
        int start = readme.indexOf("```yaml\n", at) + "```yaml\n".length();
        Path runbook = dir.resolve("change.yaml");
        Files.writeString(runbook, readme.substring(start, readme.indexOf("```\n", start)));
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("app.conf"), "version=1\n");
        String set = "dir=" + app;
        String state = dir.resolve("state").toString();

        CliRun v = CliRun.of("validate", runbook.toString(), "--set", set);
        assertEquals(0, v.exit(), v.all());
        CliRun plan = CliRun.of("plan", runbook.toString(), "--set", set, "--state-dir", state);
        assertEquals(0, plan.exit(), plan.all());
        assertTrue(plan.out().contains("-version=1") && plan.out().contains("+version=2"), plan.out());
        assertEquals("version=1\n", Files.readString(app.resolve("app.conf")));

        CliRun ok = CliRun.of("run", runbook.toString(), "--set", set, "--yes", "--state-dir", state);
        assertEquals(0, ok.exit(), ok.all());
        assertEquals("version=2\n", Files.readString(app.resolve("app.conf")));

        CliRun back = CliRun.of("run", runbook.toString(), "--set", set, "--set", "version=3", "--yes", "--state-dir",
                state);
        assertEquals(1, back.exit(), back.all());
        assertTrue(back.all().contains("ROLLED_BACK"), back.all());
        assertEquals("version=2\n", Files.readString(app.resolve("app.conf")), "version=2 again, byte for byte");
    }
}
