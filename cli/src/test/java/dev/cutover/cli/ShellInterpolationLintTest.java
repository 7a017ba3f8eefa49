package dev.cutover.cli;

import dev.cutover.lint.Lint;
import dev.cutover.lint.RunbookLinter;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A value pasted into a shell script runs as code; the lint catches it, and the repository's own runbooks are clean. */
class ShellInterpolationLintTest {
    private static final Path ROOT = Path.of("..");

    @TempDir
    Path dir;

    private static String runbook(String command, String env) {
        return """
                apiVersion: cutover/v1
                name: injection
                params:
                  v: { type: string, default: "1" }
                steps:
                  - id: write
                    uses: shell.exec
                    with:
                      command: %s%s
                    no_undo: "test"
                """.formatted(command, env.isEmpty() ? "" : "\n      env: " + env);
    }

    @Test
    void aParamPastedIntoShDashCRunsAsCodeAndTheLintRefusesIt() throws IOException {
        Path owned = dir.resolve("owned");
        Path rb = Files.writeString(dir.resolve("unsafe.yaml"), runbook("[sh, -c, \"echo value=${params.v}\"]", ""));
        String attack = "v=1; touch " + owned;
        CliRun refused = CliRun.of("run", rb.toString(), "--yes", "--set", attack, "--state-dir",
                dir.resolve("s").toString());
        assertEquals(2, refused.exit(), "run enforces the lint too: " + refused.all());
        assertFalse(Files.exists(owned), "nothing ran");
        CliRun run = CliRun.of("run", rb.toString(), "--yes", "--allow", "shell-interpolation", "--set", attack,
                "--state-dir", dir.resolve("s").toString());
        assertEquals(0, run.exit(), run.all());
        assertTrue(Files.exists(owned), "the attack works on a runbook that interpolates into a script");
        Files.delete(owned);

        CliRun v = CliRun.of("validate", rb.toString(), "--set", attack);
        assertEquals(2, v.exit(), v.all());
        assertTrue(v.err().contains("lint shell-interpolation: step 'write': ${params.v} is pasted into the script "
                + "that sh -c parses"), v.err());
        assertTrue(v.err().contains("env: { SERVICE: \"${params.service}\" }"), "shows the safe form: " + v.err());
    }

    @Test
    void theSafeFormPassesTheValueAsDataAndIsNotFlagged() throws IOException {
        Path owned = dir.resolve("owned");
        Path out = dir.resolve("out.txt");
        Path rb = Files.writeString(dir.resolve("safe.yaml"), runbook("[sh, -c, 'echo \"value=$V\" > \"$O\"']",
                "{ V: \"${params.v}\", O: \"" + out + "\" }"));
        String attack = "v=1; touch " + owned;
        assertEquals(0, CliRun.of("validate", rb.toString(), "--set", attack).exit());
        CliRun run = CliRun.of("run", rb.toString(), "--yes", "--set", attack, "--state-dir", dir.resolve("s").toString());
        assertEquals(0, run.exit(), run.all());
        assertFalse(Files.exists(owned));
        assertEquals("value=1; touch " + owned, Files.readString(out).trim());
    }

    @Test
    void flagsTheOtherInterpretersAndPlaces() {
        List<String> flagged = List.of(
                "[bash, -ec, \"systemctl restart ${env.SERVICE}\"]",
                "[sudo, -u, app, sh, -c, \"rm -rf ${steps.find.outputs.stdout}\"]",
                "[env, X=1, /bin/bash, -o, pipefail, -c, \"x ${params.v}\"]",
                "[python3, -c, \"print('${params.v}')\"]",
                "[ssh, -p, \"22\", host, \"systemctl restart ${params.v}\"]");
        for (String c : flagged) {
            String rb = runbook(c, "").replace("${steps.find.outputs.stdout}", "${params.v}");
            assertTrue(lints(rb).stream().anyMatch(l -> l.id().equals(RunbookLinter.SHELL_INTERPOLATION)), c);
        }
        for (String c : List.of("[systemctl, restart, \"${params.v}\"]", "[sh, -c, 'echo \"$V\"', sh, \"${params.v}\"]",
                "[sh, -c, 'cd ${run.dir} && ls']", "[echo, \"-c\", \"${params.v}\"]")) {
            assertTrue(lints(runbook(c, "")).stream().noneMatch(l -> l.id().equals(RunbookLinter.SHELL_INTERPOLATION)),
                    c);
        }
    }

    private List<Lint> lints(String yaml) {
        try {
            StepTypeRegistry registry = StepTypeRegistry.load();
            Runbook rb = new RunbookLoader(registry).parse(dir.resolve("x.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
            return new RunbookLinter(registry).lint(rb);
        } catch (InvalidRunbookException e) {
            throw new AssertionError(e.problems().toString() + "\n" + yaml);
        }
    }

    @Test
    void theRepositorysRunbooksExamplesAndDocumentationSnippetsDoNotTripIt() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String d : List.of("runbooks", "examples", "docs", "cli/src/main/resources", "cli/src/test/resources/lints")) {
            try (Stream<Path> s = Files.walk(ROOT.resolve(d))) {
                s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".md"))
                        .filter(p -> !p.toString().contains("/target/"))
                        .filter(p -> !p.getFileName().toString().equals("shell-interpolation.triggers.yaml"))
                        .forEach(files::add);
            }
        }
        files.add(ROOT.resolve("README.md"));
        Pattern block = Pattern.compile("```ya?ml\\n(.*?)```", Pattern.DOTALL);
        StepTypeRegistry registry = StepTypeRegistry.load();
        int checked = 0;
        List<String> found = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f);
            List<String> docs = new ArrayList<>();
            if (f.toString().endsWith(".md")) {
                Matcher m = block.matcher(text);
                while (m.find()) {
                    docs.add(m.group(1));
                }
            } else {
                docs.add(text);
            }
            for (String doc : docs) {
                if (!doc.contains("apiVersion: cutover/v1") || doc.contains("kind: baseline")) {
                    continue;
                }
                try {
                    Runbook rb = new RunbookLoader(registry).parse(f, doc.getBytes(StandardCharsets.UTF_8));
                    checked++;
                    new RunbookLinter(registry).lint(rb).stream()
                            .filter(l -> l.id().equals(RunbookLinter.SHELL_INTERPOLATION))
                            .forEach(l -> found.add(f + ": " + l.render()));
                } catch (InvalidRunbookException e) {
                    // a fragment or a deliberately broken example; the loader tests cover those
                }
            }
        }
        assertTrue(checked >= 5, "runbooks checked: " + checked);
        assertEquals(List.of(), found);
    }
}
