package dev.cutover.runbook;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.testing.FakeStepTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One boolean policy (YAML 1.2: true and false only) in runbooks, environment files, --set and conditions. */
class ValuePolicyTest {
    @TempDir
    Path dir;

    private static final StepTypeRegistry REGISTRY = new StepTypeRegistry(List.of(FakeStepTypes.check("t.read",
            List.of(InputSpec.optional("strict", InputType.BOOL, "false", "a flag")), Set.of())));
    private static final String PARAMS = """
            apiVersion: cutover/v1
            name: t
            params:
              answer: { type: string }
              flag:   { type: bool, default: false }
            steps:
              - id: read
                uses: t.read
            """;

    private Runbook runbook(String text) throws Exception {
        return new RunbookLoader(REGISTRY).parse(dir.resolve("t.yaml"), text.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> resolve(String env, Map<String, String> sets) throws Exception {
        Path file = Files.writeString(dir.resolve("env.yaml"), env);
        return new ParamResolver(Map.of(), new Masker(), true).resolve(runbook(PARAMS),
                ParamResolver.readEnvironment(file), sets);
    }

    @Test
    void aStringParamWrittenNoInAnEnvironmentFileStaysNo() throws Exception {
        Map<String, Object> params = resolve("answer: no\nflag: TRUE\n", Map.of());

        assertEquals("no", params.get("answer"), "YAML 1.1 would read 'no' as false (the Norway problem)");
        assertEquals(Boolean.TRUE, params.get("flag"));
    }

    @Test
    void yesForABoolParamIsRefusedInAnEnvironmentFileAndOnTheCommandLineAlike() {
        InvalidRunbookException fromFile = assertThrows(InvalidRunbookException.class,
                () -> resolve("answer: a\nflag: yes\n", Map.of()));
        InvalidRunbookException fromSet = assertThrows(InvalidRunbookException.class,
                () -> resolve("answer: a\n", Map.of("flag", "yes")));

        String expected = "param 'flag': 'yes' is text, not a boolean (cutover reads YAML 1.2, where only true and "
                + "false are); write true or false";
        assertEquals(dir.resolve("env.yaml").toAbsolutePath() + ":2:1: " + expected,
                fromFile.problems().get(0).render());
        assertTrue(fromSet.problems().get(0).render().contains(expected), fromSet.problems().get(0).render());
    }

    @Test
    void aBoolInputWrittenYesIsALoadErrorWithItsPosition() {
        InvalidRunbookException e = assertThrows(InvalidRunbookException.class, () -> runbook(PARAMS.replace(
                "uses: t.read", "uses: t.read\n    with: { strict: yes }")));

        String all = String.join("\n", e.problems().stream().map(Problem::render).toList());
        assertTrue(all.contains("t.yaml:9:21: step 'read': input 'strict' must be true or false: 'yes' is text"), all);
    }

    @Test
    void quotedTrueIsABooleanInAnInputToo() throws Exception {
        runbook(PARAMS.replace("uses: t.read", "uses: t.read\n    with: { strict: \"true\" }"));
    }

    @Test
    void conditionsReadTextByTheSamePolicy() {
        Map<String, Object> vars = Map.of("params", Map.of("flag", "true", "off", "FALSE", "yes", "yes"),
                "env", Map.of("DRY_RUN", "no"));

        assertTrue(Conditions.evaluate("params.flag", vars), "the text true is true");
        assertFalse(Conditions.evaluate("params.off || false", vars), "the text FALSE is false, not non-empty text");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conditions.evaluate("!env.DRY_RUN", vars));
        assertTrue(e.getMessage().contains("'no' is text, not a boolean"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Conditions.evaluate("params.yes", vars));
    }
}
