package dev.cutover.testing;

import dev.cutover.spi.Change;
import dev.cutover.spi.Check;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.Intent;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;
import dev.cutover.spi.Undoable;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Step types for loader, lint and checker tests: they declare things and do nothing. */
public final class FakeStepTypes {
    private FakeStepTypes() {
    }

    /** A read-only check. */
    public static StepType check(String id, List<InputSpec> inputs, Set<String> traits) {
        return new FakeCheck(id, inputs, traits);
    }

    /**
     * A change that is read-only when a step sets {@code readonly: true} (like shell.exec); with a
     * built-in undo when {@code undoable}.
     */
    public static StepType change(String id, List<InputSpec> inputs, Set<String> traits, boolean undoable) {
        return undoable ? new FakeUndoable(id, inputs, traits) : new FakeChange(id, inputs, traits);
    }

    private static class FakeCheck implements Check {
        private final String id;
        private final List<InputSpec> inputs;
        private final Set<String> traits;

        FakeCheck(String id, List<InputSpec> inputs, Set<String> traits) {
            this.id = id;
            this.inputs = inputs;
            this.traits = traits;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public List<InputSpec> inputs() {
            return inputs;
        }

        @Override
        public Set<String> traits() {
            return traits;
        }

        @Override
        public StepResult check(StepContext context) {
            return StepResult.done(Map.of());
        }
    }

    private static class FakeChange extends FakeCheck implements Change {
        FakeChange(String id, List<InputSpec> inputs, Set<String> traits) {
            super(id, inputs, traits);
        }

        @Override
        public boolean readOnly(Map<String, Object> rawWith) {
            return Boolean.TRUE.equals(rawWith.get("readonly")) || "true".equals(rawWith.get("readonly"));
        }

        @Override
        public StepResult apply(StepContext context, Intent intent) {
            return StepResult.done(Map.of());
        }
    }

    private static final class FakeUndoable extends FakeChange implements Undoable {
        FakeUndoable(String id, List<InputSpec> inputs, Set<String> traits) {
            super(id, inputs, traits);
        }

        @Override
        public StepResult undo(StepContext context, Intent intent) {
            return StepResult.done(Map.of());
        }
    }
}
