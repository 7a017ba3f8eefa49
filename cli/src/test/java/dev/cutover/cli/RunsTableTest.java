package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cutover runs} as text: one table, a legend for {@code *}, and never the word null. */
class RunsTableTest {
    static final String RUNBOOK = """
            apiVersion: cutover/v1
            name: touch-a-file
            params:
              dir: { type: path, required: true }
            steps:
              - id: touch
                uses: shell.exec
                with: { command: [touch, "${params.dir}/touched"] }
                no_undo: "harmless"
            """;

    @TempDir
    Path dir;

    private CliRun cli(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--state-dir";
        all[args.length + 1] = dir.resolve("state").toString();
        return CliRun.of(all);
    }

    @Test
    void aRehearsalIsMarkedWithAStarThatTheLegendExplainsAndAnUnreadableRunPrintsDashesNotNull() throws IOException {
        Path runbook = Files.writeString(dir.resolve("touch.yaml"), RUNBOOK);
        assertEquals(0, cli("run", runbook.toString(), "--set", "dir=" + dir, "--yes", "--operator", "alice").exit());
        assertEquals(0, cli("plan", runbook.toString(), "--set", "dir=" + dir, "--operator", "bob").exit());
        Path broken = Files.createDirectories(dir.resolve("state/runs/29991231-235959-ffff"));
        Files.writeString(broken.resolve("journal.jsonl"), "not a journal\n");

        CliRun r = cli("runs");
        assertEquals(0, r.exit(), r.all());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("RUN +RUNBOOK +STATUS +STARTED +DURATION +OPERATOR"), r.out());
        assertTrue(lines.get(1).matches("29991231-235959-ffff +- +UNREADABLE +- +- +-"), r.out());
        // newest first; two runs started within one second are ordered by their ids' random suffix
        List<String> two = lines.subList(2, 4);
        String row = "\\S+ +touch-a-file +%s +\\S+Z +\\S+ +%s \\(OS user .+\\)";
        assertTrue(two.stream().anyMatch(l -> l.matches(String.format(row, "PLANNED\\*", "bob"))), r.out());
        assertTrue(two.stream().anyMatch(l -> l.matches(String.format(row, "SUCCEEDED", "alice"))), r.out());
        assertTrue(r.out().contains("\n* a rehearsal: "), r.out());
        assertFalse(r.out().contains("null"), r.out());
        // the columns line up: every row's STATUS starts where the header's does
        int status = lines.get(0).indexOf("STATUS");
        for (String l : lines.subList(1, 4)) {
            assertTrue(l.charAt(status - 1) == ' ' && l.charAt(status) != ' ', l);
        }
    }

    @Test
    void withoutARehearsalThereIsNoLegend() throws IOException {
        Path runbook = Files.writeString(dir.resolve("touch.yaml"), RUNBOOK);
        assertEquals(0, cli("run", runbook.toString(), "--set", "dir=" + dir, "--yes").exit());
        CliRun r = cli("runs");
        assertEquals(2, r.out().lines().count(), r.out());
        assertFalse(r.out().contains("*"), r.out());
    }
}
