package dev.cutover.runbook;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Intent;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the runbook loader (Jazzer): whatever the bytes, the loader either
 * returns a runbook or throws its own {@link InvalidRunbookException}, and never hangs. Runs for a
 * short while with {@code -Pfuzz} (CI), replays its corpus as regression tests in every build; see docs/fuzzing.md.
 */
class RunbookLoaderFuzzTest {
    private static final StepType EXEC = dev.cutover.testing.FakeStepTypes.change("test.exec", List.of(
            InputSpec.required("command", InputType.LIST, "argv").refusingSecrets(),
            InputSpec.optional("env", InputType.MAP, null, "env"),
            InputSpec.optional("readonly", InputType.BOOL, false, "ro"),
            InputSpec.optional("timeout", InputType.DURATION, null, "t")), java.util.Set.of(), false);
    private static final RunbookLoader LOADER = new RunbookLoader(new StepTypeRegistry(List.of(EXEC)));

    @FuzzTest(maxDuration = "20s")
    void loaderEitherLoadsOrExplains(byte[] input) {
        try {
            Runbook rb = LOADER.parse(Path.of("fuzz.yaml"), input);
            if (rb.name().isEmpty()) {
                throw new AssertionError("a loaded runbook must have a name");
            }
        } catch (InvalidRunbookException expected) {
            if (expected.problems().isEmpty()) {
                throw new AssertionError("a rejection must name at least one problem");
            }
            for (Problem p : expected.problems()) {
                if (p.location() == null || p.message() == null || p.message().isBlank()) {
                    throw new AssertionError("a problem without location or message: " + p);
                }
            }
        }
    }
}
