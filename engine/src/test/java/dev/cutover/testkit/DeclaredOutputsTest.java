package dev.cutover.testkit;

import dev.cutover.spi.Check;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stale-declaration check itself: each way a declaration can drift from the code is caught. */
class DeclaredOutputsTest {

    /** Declares {@code count} (integer) and {@code note} (string, conditional); outputs what it is given. */
    private record Emits(Map<String, Object> produced) implements Check {
        @Override
        public String id() {
            return "t.emits";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of();
        }

        @Override
        public List<OutputSpec> outputs() {
            return List.of(OutputSpec.integer("count", "a count"), OutputSpec.string("note", "only sometimes"));
        }

        @Override
        public StepResult check(StepContext context) {
            return StepResult.done(produced);
        }
    }

    private static StepRecording run(StepType type) throws InterruptedException {
        return StepTestKit.of(type).apply();
    }

    @Test
    void passesWhenEveryProducedKeyIsDeclaredAndEveryDeclaredOneProducedOrAllowedAbsent() throws Exception {
        Map<String, Object> both = new LinkedHashMap<>(Map.of("count", 3L, "note", "n"));
        Emits full = new Emits(both);
        DeclaredOutputs.assertMatch(full, run(full));
        Emits part = new Emits(Map.of("count", 1));
        DeclaredOutputs.assertMatch(part, run(part), "note");
    }

    @Test
    void catchesAnUndeclaredKeyAMissingKeyAWrongTypeAndAnUnknownAbsentName() throws Exception {
        Emits extra = new Emits(Map.of("count", 1, "note", "n", "surprise", true));
        AssertionError e = assertThrows(AssertionError.class, () -> DeclaredOutputs.assertMatch(extra, run(extra)));
        assertTrue(e.getMessage().contains("output 'surprise' is produced but not declared"), e.getMessage());

        Emits missing = new Emits(Map.of("note", "n"));
        e = assertThrows(AssertionError.class, () -> DeclaredOutputs.assertMatch(missing, run(missing)));
        assertTrue(e.getMessage().contains("output 'count' is declared but was not produced"), e.getMessage());

        Emits wrongType = new Emits(Map.of("count", "three", "note", "n"));
        e = assertThrows(AssertionError.class, () -> DeclaredOutputs.assertMatch(wrongType, run(wrongType)));
        assertTrue(e.getMessage().contains("output 'count' is declared integer but is String"), e.getMessage());

        Emits ok = new Emits(Map.of("count", 1, "note", "n"));
        e = assertThrows(AssertionError.class, () -> DeclaredOutputs.assertMatch(ok, run(ok), "nope"));
        assertTrue(e.getMessage().contains("'nope' is allowed to be absent but is not declared"), e.getMessage());
        assertEquals(1, e.getMessage().lines().filter(l -> l.startsWith("  - ")).count(), e.getMessage());
    }
}
