package dev.cutover.cli;

import dev.cutover.spi.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps docs/runbooks/ in step with the runbooks: every runbook under runbooks/ and the bundled demo
 * runbook has a generated page; a stale or missing page is regenerated and the test fails so the
 * change gets committed.
 */
class RunbookDocsTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final String DEMO = "cli/src/main/resources/dev/cutover/cli/demo/config-change.yaml";

    @TempDir
    Path dir;

    static List<String> runbooks() throws Exception {
        List<String> all = new ArrayList<>(List.of(DEMO));
        Path dir = ROOT.resolve("runbooks");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().matches(".+\\.ya?ml")).sorted()
                        .forEach(f -> all.add("runbooks/" + f.getFileName()));
            }
        }
        return all;
    }

    @Test
    void generatedRunbookDocsAreUpToDate() throws Exception {
        assertTrue(Files.isRegularFile(ROOT.resolve(DEMO)), "run from the cli module: " + ROOT);
        List<String> stale = new ArrayList<>();
        for (String source : runbooks()) {
            String name = Path.of(source).getFileName().toString().replaceAll("\\.ya?ml$", "");
            Path doc = ROOT.resolve("docs/runbooks").resolve(name + ".md");
            String fresh = DocsCommand.render(ROOT.resolve(source), source, false);
            if (!Files.isRegularFile(doc) || !Files.readString(doc).equals(fresh)) {
                AtomicFiles.writeString(doc, fresh, PosixFilePermissions.fromString("rw-r--r--"));
                stale.add(ROOT.relativize(doc).toString());
            }
        }
        assertEquals(List.of(), stale, "these generated docs were stale or missing and have been regenerated; "
                + "review and commit them");
    }

    @Test
    void docsShowPurposeParametersChecksStepsWithTheirUndoTheRollbackPlanAndRestarts() throws Exception {
        String md = DocsCommand.render(ROOT.resolve(DEMO), DEMO, false);
        String[] inOrder = {"# Runbook: config-change", "Switch a service to a new configuration version",
                "## Parameters", "| `workdir` | path | yes |", "## Preflight checks", "### 1. config-exists",
                "## Steps", "### 1. backup-config", "### 2. write-config", "| undo | undo with `shell.exec`",
                "### 3. restart-app", "| undo | none, by design: a restart is not undone", "## Validation",
                "### 1. app-healthy", "| retry | 2 attempts, 200ms apart |", "## Rollback plan",
                "- `restart-app`: none, by design", "- `write-config`: undo with", "- `backup-config`: undo with",
                "2. runs the rollback section: `restart-app-again`", "## Rollback steps", "### 1. restart-app-again"};
        int at = 0;
        for (String s : inOrder) {
            int i = md.indexOf(s, at);
            assertTrue(i >= 0, "missing or out of order: " + s + "\n" + md);
            at = i;
        }
        assertTrue(md.contains("restarts: `restart-app` (steps): a restart, going by its name"), md);
        assertFalse(md.contains(ROOT.toString()), "no absolute paths in generated docs");
    }

    @Test
    void docsCommandWritesHtmlAndRejectsAnInvalidRunbook() throws Exception {
        Path out = dir.resolve("doc.html");
        CliRun r = CliRun.of("docs", ROOT.resolve(DEMO).toString(), "--format", "html", "--out", out.toString());
        assertEquals(0, r.exit(), r.all());
        String html = Files.readString(out);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("<h2>Rollback plan</h2>"), html);
        assertFalse(html.contains("<script") || html.contains("<link"), "self-contained");
        Path bad = TraceRunbooks.write(dir, "bad.yaml", "apiVersion: cutover/v1\nname: x\nsteps: [ {id: a} ]\n");
        CliRun invalid = CliRun.of("docs", bad.toString());
        assertEquals(2, invalid.exit());
        assertTrue(invalid.err().contains("bad.yaml:3:"), invalid.err());
    }
}
