package dev.cutover.runbook;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.run.WaitUntilStep;
import dev.cutover.spi.Change;
import dev.cutover.spi.Check;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Intent;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** References to step outputs are checked at load time against what the referenced step's type declares. */
class OutputReferencesTest {
    private static final Path FILE = Path.of("t.yaml");

    /** A read-only check that declares a string, a map and a list. */
    private static final class Read implements Check {
        @Override
        public String id() {
            return "t.read";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(InputSpec.optional("x", InputType.ANY, null, "anything"));
        }

        @Override
        public List<OutputSpec> outputs() {
            return List.of(OutputSpec.string("value", "a value"), OutputSpec.map("doc", "a document"),
                    OutputSpec.list("items", "some items"), OutputSpec.any("json", "parsed"));
        }

        @Override
        public StepResult check(StepContext context) {
            return StepResult.done(Map.of());
        }
    }

    /** A change from a plugin written before outputs were declared: it declares none. */
    private static final class Legacy implements Change {
        @Override
        public String id() {
            return "t.legacy";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(InputSpec.optional("x", InputType.ANY, null, "anything"));
        }

        @Override
        public Intent prepare(StepContext context) {
            return Intent.none();
        }

        @Override
        public StepResult apply(StepContext context, Intent intent) {
            return StepResult.done(Map.of());
        }
    }

    private static final StepTypeRegistry REGISTRY = new StepTypeRegistry(List.of(new Read(), new Legacy(),
            new WaitUntilStep()));

    private static Runbook load(String steps) throws InvalidRunbookException {
        return new RunbookLoader(REGISTRY).parse(FILE, ("apiVersion: cutover/v1\nname: t\n" + steps)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> problems(String steps) {
        InvalidRunbookException e = assertThrows(InvalidRunbookException.class, () -> load(steps));
        return e.problems().stream().map(Problem::render).toList();
    }

    private static final String READ = """
            preflight:
              - id: read
                uses: t.read
            """;

    @Test
    void declaredOutputsAndAnythingBelowAMapOrAnyOrAListPositionLoad() throws Exception {
        load(READ + """
                steps:
                  - id: use
                    uses: t.legacy
                    with:
                      x: [ "${steps.read.outputs.value}", "${steps.read.outputs.doc.a.b}", "${steps.read.outputs.items.0.c}",
                           "${steps.read.outputs.json.whatever}", "${steps.read.outputs.items}" ]
                    when: "steps['read'].outputs.value == 'v' && steps.read.outputs.doc.k == 1"
                    no_undo: "test"
                """);
    }

    @Test
    void anUndeclaredOutputIsALoadErrorWithLocationStepAndTheDeclaredNames() {
        List<String> p = problems(READ + """
                steps:
                  - id: use
                    uses: t.legacy
                    with: { x: "v=${steps.read.outputs.valu}" }
                    no_undo: "test"
                """);
        assertEquals(List.of("t.yaml:9:16: step 'use': ${steps.read.outputs.valu} reads output 'valu', which step "
                + "'read' (t.read) does not produce -> did you mean 'value'? t.read outputs: value, doc, items, json "
                + "('cutover steps' describes them)"), p);
    }

    @Test
    void undoProbeWaitUntilAndWhenAreCheckedToo() {
        List<String> p = problems(READ + """
                steps:
                  - id: use
                    uses: t.legacy
                    when: "steps['read'].outputs.stdout != ''"
                    undo: { uses: t.legacy, with: { x: "${steps.read.outputs.exit_code}" } }
                    probe: { uses: t.read, with: { x: ["${steps.read.outputs.nothing}"] } }
                  - id: wait
                    uses: wait.until
                    with: { uses: t.read, with: { x: "${steps.read.outputs.vlaue}" } }
                """);
        assertEquals(4, p.size(), String.join("\n", p));
        assertTrue(p.get(0).startsWith("t.yaml:9:11: step 'use': steps['read'].outputs.stdout reads output 'stdout'"),
                p.get(0));
        assertTrue(p.get(1).startsWith("t.yaml:10:40: step 'use': ${steps.read.outputs.exit_code} reads output "
                + "'exit_code'"), p.get(1));
        assertTrue(p.get(2).startsWith("t.yaml:11:40: step 'use': ${steps.read.outputs.nothing}"), p.get(2));
        assertTrue(p.get(3).startsWith("t.yaml:14:38: step 'wait': ${steps.read.outputs.vlaue}"), p.get(3));
        assertTrue(p.get(3).contains("did you mean 'value'?"), p.get(3));
    }

    @Test
    void nothingCanBeReadInsideAScalarAndOnlyPositionsInsideAList() {
        List<String> p = problems(READ + """
                steps:
                  - id: use
                    uses: t.legacy
                    with: { x: ["${steps.read.outputs.value.length}", "${steps.read.outputs.items.first}"] }
                    no_undo: "test"
                """);
        assertEquals(2, p.size(), String.join("\n", p));
        assertTrue(p.get(0).contains("reads 'length' inside output 'value' of step 'read', which is a string with "
                + "nothing inside -> read ${steps.read.outputs.value} itself"), p.get(0));
        assertTrue(p.get(1).contains("reads 'first' inside output 'items' of step 'read', which is a list -> pick an "
                + "element by its position, e.g. ${steps.read.outputs.items.0}"), p.get(1));
    }

    @Test
    void belowWaitUntilsLastEverythingIsFreeButLastItselfIsChecked() throws Exception {
        String wait = READ + """
                steps:
                  - id: change
                    uses: t.legacy
                    no_undo: "test"
                validate:
                  - id: wait
                    uses: wait.until
                    with: { uses: t.read }
                rollback:
                  - id: after
                    uses: t.legacy
                    with: { x: "${steps.wait.outputs.%s}" }
                """;
        load(wait.formatted("last.value.anything"));
        load(wait.formatted("polls"));
        List<String> p = problems(wait.formatted("lats.value"));
        assertEquals(1, p.size(), String.join("\n", p));
        assertTrue(p.get(0).contains("did you mean 'last'? wait.until outputs: polls, last"), p.get(0));
    }

    @Test
    void aTypeThatDeclaresNoOutputsIsNotChecked() throws Exception {
        load("""
                steps:
                  - id: old
                    uses: t.legacy
                    no_undo: "test"
                  - id: use
                    uses: t.legacy
                    with: { x: "${steps.old.outputs.whatever.it.says}" }
                    when: "steps['old'].outputs.count > 0"
                    no_undo: "test"
                """);
    }
}
