package dev.cutover.lint;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Intent;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The linter over in-memory runbooks and stand-in step types that declare their traits. */
class RunbookLinterTest {
    private static StepType type(String id, boolean readOnly, Set<String> traits, boolean builtInUndo) {
        List<InputSpec> inputs = List.of(InputSpec.optional("command", InputType.LIST, null, "argv"),
                InputSpec.optional("env", InputType.MAP, null, "env"),
                InputSpec.optional("name", InputType.STRING, null, "name"),
                InputSpec.optional("path", InputType.PATH, null, "path"),
                InputSpec.optional("readonly", InputType.BOOL, false, "ro"));
        return readOnly ? dev.cutover.testing.FakeStepTypes.check(id, inputs, traits)
                : dev.cutover.testing.FakeStepTypes.change(id, inputs, traits, builtInUndo);
    }

    private static final StepTypeRegistry REGISTRY = new StepTypeRegistry(List.of(
            type("shell.exec", false, Set.of("runs:argv"), false),
            type("x.import", false, Set.of("changes:truststore"), true),
            type("x.restart", false, Set.of("restarts:{name}"), false),
            type("x.probe", true, Set.of("checks:new-connection"), false),
            type("x.look", true, Set.of(), false)));

    private static List<String> lint(String yaml, Map<String, Object> params) throws Exception {
        Runbook rb = new RunbookLoader(REGISTRY).parse(Path.of("t.yaml"), ("apiVersion: cutover/v1\nname: t\n"
                + "params:\n  mode: { type: string, default: a }\n" + yaml).getBytes(StandardCharsets.UTF_8));
        return new RunbookLinter(REGISTRY).lint(rb, params, Map.of()).stream()
                .map(l -> l.id() + " " + l.stepIds()).toList();
    }

    private static final String RESTARTED_IMPORT = """
            steps:
              - id: imp
                uses: x.import
              - id: restart
                uses: x.restart
                with: { name: app }
                no_undo: "again in rollback"
            rollback:
              - id: restart-again
                uses: x.restart
                with: { name: app }
            """;

    @Test
    void aCheckTypeThatDeclaresNewConnectionsSatisfiesValidation() throws Exception {
        assertEquals(List.of("validate-without-new-connection [imp, restart]"),
                lint(RESTARTED_IMPORT + "validate:\n  - id: v\n    uses: x.look\n", Map.of()));
        assertEquals(List.of(), lint(RESTARTED_IMPORT + "validate:\n  - id: v\n    uses: x.probe\n", Map.of()));
    }

    @Test
    void aRestartWhoseConditionIsFalseForTheseParamsDoesNotCount() throws Exception {
        String yaml = RESTARTED_IMPORT.replace("with: { name: app }\n    no_undo", "with: { name: app }\n"
                + "    when: \"params.mode == 'b'\"\n    no_undo") + "validate:\n  - id: v\n    uses: x.probe\n";
        assertEquals(List.of("restart-after-truststore-change [imp]"), lint(yaml, Map.of("mode", "a")));
        assertEquals(List.of(), lint(yaml, Map.of("mode", "b")));
        assertEquals(List.of(), lint(yaml, Map.of()), "undecided without params: the restart may run");
    }

    @Test
    void anUndoThatReadsTheOutputsOfAConditionalStepIsFlaggedUnlessItSharesTheCondition() throws Exception {
        String yaml = """
                steps:
                  - id: backup
                    uses: shell.exec
                    when: "run.id != 'x'"
                    with: { command: [cp, /a, /a.bak] }
                    no_undo: "harmless"
                  - id: change
                    uses: shell.exec
                    WHEN
                    with: { command: [touch, /a] }
                    undo: { uses: shell.exec, with: { command: [cp, "${steps.backup.outputs.stdout}", /a] } }
                """;
        assertEquals(List.of("rollback-uses-unrun-outputs [backup, change]"), lint(yaml.replace("    WHEN\n", ""), Map.of()));
        assertEquals(List.of(), lint(yaml.replace("WHEN", "when: \"run.id != 'x'\""), Map.of()));
    }

    @Test
    void anEarlierRemovalDoesNotCountWhenAStepInBetweenWritesTheFileAgain() throws Exception {
        String yaml = """
                steps:
                  - id: clean
                    uses: shell.exec
                    with: { command: [rm, -f, /srv/a.bak] }
                    no_undo: "cleanup"
                  BETWEEN
                  - id: change
                    uses: shell.exec
                    with: { command: [touch, /srv/a] }
                    undo: { uses: shell.exec, with: { command: [cp, /srv/a.bak, /srv/a] } }
                """;
        assertEquals(List.of("undo-needs-removed-input [clean, change]"), lint(yaml.replace("  BETWEEN\n", ""), Map.of()));
        assertEquals(List.of(), lint(yaml.replace("BETWEEN", "- id: backup\n    uses: shell.exec\n"
                + "    with: { command: [cp, /srv/a, /srv/a.bak] }\n    no_undo: harmless"), Map.of()));
    }
}
