package dev.cutover.cli;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.Location;
import dev.cutover.runbook.ParamResolver;
import dev.cutover.runbook.Problem;
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

/**
 * Every YAML example in README.md, docs/ and the plugin READMEs loads: a block with {@code apiVersion:}
 * as a runbook (schema, step types, inputs, references, rollback plan), any other as an environment
 * file. A block that is deliberately partial (a step on its own, a reference with placeholders) is
 * marked with {@code <!-- cutover:fragment -->} on the line before its fence. A failure names the
 * Markdown file and the line in it.
 */
class DocsExamplesTest {
    static final String FRAGMENT = "<!-- cutover:fragment -->";
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PARAM = Pattern.compile("\\$\\{params\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern FENCE = Pattern.compile("^(\\s*)```+\\s*(\\S*)\\s*$");

    @TempDir
    Path dir;

    /** One fenced YAML block: where it is and its text. */
    record Block(Path file, int line, String text, boolean fragment) {
        String where() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    static List<Path> documents() throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(ROOT.resolve("README.md"));
        try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        try (Stream<Path> s = Files.list(ROOT.resolve("plugins"))) {
            s.map(p -> p.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(out::add);
        }
        return out;
    }

    /** The ```yaml blocks of a Markdown file, with the line of their first YAML line. */
    static List<Block> blocks(Path file, String text) {
        List<Block> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            var open = FENCE.matcher(lines[i]);
            if (!open.matches() || !(open.group(2).equals("yaml") || open.group(2).equals("yml"))) {
                if (open.matches()) {
                    i = closing(lines, i); // skip other fenced blocks whole, so their contents are not read
                }
                continue;
            }
            String indent = open.group(1);
            int end = closing(lines, i);
            StringBuilder body = new StringBuilder();
            for (int j = i + 1; j < end; j++) {
                String l = lines[j];
                body.append(l.startsWith(indent) ? l.substring(indent.length()) : l).append('\n');
            }
            int before = i - 1;
            while (before >= 0 && lines[before].isBlank()) {
                before--;
            }
            boolean fragment = before >= 0 && lines[before].strip().equals(FRAGMENT);
            out.add(new Block(file, i + 2, body.toString(), fragment));
            i = end;
        }
        return out;
    }

    private static int closing(String[] lines, int open) {
        for (int j = open + 1; j < lines.length; j++) {
            if (lines[j].strip().startsWith("```")) {
                return j;
            }
        }
        return lines.length;
    }

    @Test
    void everyYamlExampleInTheDocsLoads() throws IOException {
        RunbookLoader loader = new RunbookLoader(StepTypeRegistry.load());
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Path doc : documents()) {
            for (Block b : blocks(doc, Files.readString(doc, StandardCharsets.UTF_8))) {
                if (b.fragment()) {
                    continue;
                }
                checked++;
                List<Problem> problems = problems(loader, b);
                for (Problem p : problems) {
                    failures.add(b.where() + " (line " + (b.line() + p.location().line() - 1) + ", column "
                            + p.location().column() + " of " + ROOT.relativize(b.file()) + "): " + p.message()
                            + (p.hint().isEmpty() ? "" : " -> " + p.hint()));
                }
            }
        }
        assertTrue(checked > 5, "found only " + checked + " YAML examples");
        assertTrue(failures.isEmpty(), failures.size() + " problem(s) in YAML examples (mark a deliberately partial "
                + "example with " + FRAGMENT + " on the line before its fence):\n  " + String.join("\n  ", failures));
    }

    /**
     * Loads a block: a runbook (it has {@code apiVersion:}); a runbook's sections without the header, or a
     * list of steps (put under {@code steps:}), completed with a header and, when the block declares no
     * params, the params it references (as strings); or else an environment file. Problem lines are the
     * block's.
     */
    private List<Problem> problems(RunbookLoader loader, Block b) throws IOException {
        String text = b.text();
        boolean list = text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst()
                .map(l -> l.startsWith("- ")).orElse(false);
        boolean body = text.lines().anyMatch(l -> l.matches("(params|preflight|steps|validate|rollback):.*"));
        String header = "";
        String trailer = "";
        if (list || body && text.lines().noneMatch(l -> l.startsWith("apiVersion:"))) {
            header = "apiVersion: cutover/v1\nname: docs-example\n" + (list ? "steps:\n" : "");
            StringBuilder more = new StringBuilder("\n");
            if (!list && text.lines().noneMatch(l -> l.startsWith("steps:"))) {
                more.append("steps: []\n");
            }
            if (text.lines().noneMatch(l -> l.startsWith("params:"))) {
                java.util.Set<String> seen = new java.util.TreeSet<>();
                Matcher m = PARAM.matcher(text);
                while (m.find()) {
                    seen.add(m.group(1));
                }
                if (!seen.isEmpty()) {
                    more.append("params:\n");
                    seen.forEach(n -> more.append("  ").append(n).append(": { type: string }\n"));
                }
            }
            trailer = more.toString();
        }
        boolean runbook = list || body || text.lines().anyMatch(l -> l.startsWith("apiVersion:"));
        String yaml = header + text + trailer;
        int shift = (int) header.chars().filter(c -> c == '\n').count();
        Path file = dir.resolve("example.yaml");
        Files.writeString(file, yaml);
        try {
            if (runbook) {
                loader.parse(file, yaml.getBytes(StandardCharsets.UTF_8));
            } else {
                ParamResolver.readEnvironment(file);
            }
            return List.of();
        } catch (InvalidRunbookException e) {
            return e.problems().stream().map(p -> new Problem(new Location(p.location().file(),
                    Math.max(1, p.location().line() - shift), p.location().column()), p.stepId(), p.message(),
                    p.hint())).toList();
        }
    }

    @Test
    void aBrokenExampleIsReportedWithItsFileAndLine() throws IOException {
        Path md = dir.resolve("guide.md");
        Files.writeString(md, """
                # Guide

                ```sh
                echo not yaml: [
                ```

                """ + FRAGMENT + """

                ```yaml
                - id: partial
                ```

                ```yaml
                apiVersion: cutover/v1
                name: broken
                steps:
                  - id: a
                    uses: shell.exec
                    with: { command: [echo, ${params.x}] }
                ```
                """);
        List<Block> blocks = blocks(md, Files.readString(md));
        assertEquals(2, blocks.size(), blocks.toString());
        assertTrue(blocks.get(0).fragment());
        Block broken = blocks.get(1);
        assertFalse(broken.fragment());
        assertEquals(md + ":13", broken.file() + ":" + broken.line());
        List<Problem> problems = problems(new RunbookLoader(StepTypeRegistry.load()), broken);
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(6, problems.get(0).location().line(), "line 18 of the Markdown file is line 6 of the block");
        assertTrue(problems.get(0).hint().contains("quote it"), problems.get(0).render());
    }
}
