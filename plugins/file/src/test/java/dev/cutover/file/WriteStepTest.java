package dev.cutover.file;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** file.write on real files: content, mode, owner and symbolic links survive, and undo is byte-exact. */
class WriteStepTest {
    @TempDir
    Path dir;

    private StepTestKit kit(Path file) {
        return StepTestKit.of(new WriteStep()).runDirectory(dir.resolve("run").resolve(java.util.UUID.randomUUID().toString())).baseDirectory(dir).with("path", file);
    }

    @Test
    void replacesAFileKeepingItsModeAndUndoRestoresTheExactBytes() throws Exception {
        Path conf = dir.resolve("app.conf");
        byte[] old = "version=1\r\nname=payments\n\0tail-without-newline".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(conf, old);
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r-----"));
        String before = AtomicFiles.sha256(conf);

        StepTestKit kit = kit(conf).with("content", "version=2\nname=payments\n");
        StepRecording r = kit.apply().assertSucceeded();

        assertEquals("version=2\nname=payments\n", Files.readString(conf));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        assertEquals(before, r.output("sha256_before"));
        assertEquals(AtomicFiles.sha256(conf), r.output("sha256_after"));
        assertEquals(true, r.output("changed"));
        assertEquals(before, AtomicFiles.sha256(Path.of((String) r.output("backup"))), "the backup is byte-exact");
        assertEquals(ProbeResult.DONE, kit.probe(r));

        kit.undo(r).assertSucceeded();
        assertEquals(before, AtomicFiles.sha256(conf), "undo restores the exact bytes");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        assertEquals(ProbeResult.NOT_DONE, kit.probe(r));
    }

    @Test
    void aModeInputChangesTheModeAndUndoPutsTheOldModeBack() throws Exception {
        Path conf = dir.resolve("secret.conf");
        Files.writeString(conf, "a\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-rw-rw-"));
        StepTestKit kit = kit(conf).with("content", "a\n").with("mode", "0600");

        StepRecording r = kit.apply().assertSucceeded();
        assertEquals(true, r.output("changed"), "the content matched but the mode did not");
        assertEquals("0600", r.output("mode"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));

        kit.undo(r).assertSucceeded();
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
    }

    @Test
    void isANoOpWhenTheFileAlreadyHoldsTheContent() throws Exception {
        Path conf = dir.resolve("same.conf");
        Files.writeString(conf, "same\n");
        long modified = Files.getLastModifiedTime(conf).toMillis();
        Files.setLastModifiedTime(conf, java.nio.file.attribute.FileTime.fromMillis(modified - 100_000));

        StepRecording r = kit(conf).with("content", "same\n").apply().assertSucceeded();

        assertEquals(false, r.output("changed"));
        assertEquals(modified - 100_000, Files.getLastModifiedTime(conf).toMillis(), "the file was not rewritten");
        assertEquals(Plan.of(conf + " already holds the given content (nothing to do)"),
                kit(conf).with("content", "same\n").plan());
    }

    @Test
    void aNewFileGetsTheGivenModeAndUndoDeletesIt() throws Exception {
        Path conf = dir.resolve("new.conf");
        StepTestKit kit = kit(conf).with("content", "fresh\n").with("mode", "0644");
        StepRecording r = kit.apply().assertSucceeded();
        assertEquals(true, r.output("created"));
        assertEquals("", r.output("backup"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));

        kit.undo(r).assertSucceeded();
        assertFalse(Files.exists(conf), "undo deletes a file the step created");
    }

    @Test
    void writesThroughASymbolicLinkAndTheLinkStaysALink() throws Exception {
        Path real = dir.resolve("releases/v1.conf");
        Files.createDirectories(real.getParent());
        Files.writeString(real, "release=1\n");
        Path link = Files.createSymbolicLink(dir.resolve("current.conf"), real);
        String before = AtomicFiles.sha256(real);
        StepTestKit kit = kit(link).with("content", "release=2\n");

        StepRecording r = kit.apply().assertSucceeded();
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("release=2\n", Files.readString(real));

        kit.undo(r).assertSucceeded();
        assertTrue(Files.isSymbolicLink(link), "undo keeps the link a link");
        assertEquals(before, AtomicFiles.sha256(real));
    }

    @Test
    void setsTheOwnerAndGroupAndUndoRestoresThem() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "chown to another user needs root");
        Path conf = dir.resolve("owned.conf");
        Files.writeString(conf, "x\n");
        String owner = Files.getOwner(conf).getName();
        StepTestKit kit = kit(conf).with("content", "y\n").with("owner", "nobody").with("group", "nogroup");

        StepRecording r = kit.apply().assertSucceeded();
        assertEquals("nobody", Files.getOwner(conf).getName());

        kit.undo(r).assertSucceeded();
        assertEquals(owner, Files.getOwner(conf).getName());
        assertEquals("x\n", Files.readString(conf));
    }

    @Test
    void aFailingRenameLeavesTheOldFileAndTheProbeSaysNotDone() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "chattr +i needs root");
        Path conf = dir.resolve("locked.conf");
        Files.writeString(conf, "old\n");
        String before = AtomicFiles.sha256(conf);
        // an immutable file cannot be renamed over: the kernel refuses the real rename(2)
        Process p = new ProcessBuilder("chattr", "+i", conf.toString()).inheritIO().start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "the file system supports chattr +i");
        try {
            StepRecording r = kit(conf).with("content", "new\n").apply().assertFailed();
            assertTrue(r.error().contains("the file is unchanged"), r.error());
            assertFalse(r.error().contains("Exception"), "no Java class names: " + r.error());
            assertEquals(before, AtomicFiles.sha256(conf));
            try (var files = Files.list(dir)) {
                assertEquals(List.of("locked.conf"), files.map(f -> f.getFileName().toString())
                        .filter(n -> !n.equals("run")).toList(), "no temp file is left behind");
            }
        } finally {
            new ProcessBuilder("chattr", "-i", conf.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void planShowsAUnifiedDiffWithSecretsMasked() throws Exception {
        Path conf = dir.resolve("db.conf");
        Files.writeString(conf, "host=db1\nuser=app\npassword=old\npool=10\n");

        Plan plan = StepTestKit.of(new WriteStep()).runDirectory(dir.resolve("run").resolve(java.util.UUID.randomUUID().toString())).with("path", conf)
                .secret("content", "host=db2\nuser=app\npassword=hunter2-new\npool=10\n").plan();

        String diff = String.join("\n", plan.changes());
        assertTrue(diff.contains("--- " + conf) && diff.contains("+++ " + conf), diff);
        assertTrue(diff.contains("-host=db1"), diff);
        assertFalse(diff.contains("hunter2-new"), "the secret is masked: " + diff);
        assertFalse(diff.contains("+host=db2"), "a secret spanning lines is masked as a whole: " + diff);
        assertTrue(diff.contains("+***"), diff);
        assertTrue(plan.summary().startsWith("would replace " + conf), plan.summary());
    }

    @Test
    void aTemplateIsResolvedByTheEnginesInterpolator() throws Exception {
        Path template = dir.resolve("app.conf.tmpl");
        Files.writeString(template, "run=${run.id}\nliteral=$${not.a.reference}\n");
        Path conf = dir.resolve("app.conf");

        kit(conf).with("template", "app.conf.tmpl").apply().assertSucceeded();

        assertEquals("run=testkit-run\nliteral=${not.a.reference}\n", Files.readString(conf));
    }

    @Test
    void aTemplateWithAnUnknownReferenceFailsBeforeAnythingChanges() throws Exception {
        Path template = dir.resolve("bad.tmpl");
        Files.writeString(template, "x=${params.nope}\n");
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "keep\n");

        StepRecording r = kit(conf).with("template", template).apply().assertFailed();

        assertTrue(r.error().contains("template " + template), r.error());
        assertEquals("keep\n", Files.readString(conf));
    }

    @Test
    void contentAndTemplateTogetherAreRefusedAtLoad() {
        assertEquals(List.of("give exactly one of inputs 'content' and 'template'"),
                new WriteStep().checkLiterals(java.util.Map.of("path", "x", "content", "a", "template", "b")));
        assertEquals(1, new WriteStep().checkLiterals(java.util.Map.of("path", "x", "content", "a", "mode", "999"))
                .size());
        assertEquals(List.of(FileReplaceStep.UNQUOTED_MODE), new WriteStep().checkLiterals(java.util.Map.of("path", "x",
                "content", "a", "mode", 416)), "an unquoted 0640 is refused, not guessed");
    }
}
