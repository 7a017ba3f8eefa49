package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.Location;
import dev.cutover.runbook.RetryPolicy;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepType;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One step type run through the engine's own {@link StepRunner} against a journal of its own: the
 * plugin test kit's engine. Inputs are given resolved (no interpolation); unknown and missing required
 * inputs are refused as the loader would.
 */
public final class StepHarness implements AutoCloseable {
    private final StepType type;
    private final StepRunner runner;
    private final Journal journal;

    /**
     * @param runDir  the run's directory (the journal goes there)
     * @param baseDir where relative paths in inputs resolve (a runbook's directory)
     */
    public StepHarness(StepType type, Path runDir, Path baseDir, Masker masker, RunListener listener)
            throws IOException {
        this.type = type;
        this.journal = Journal.create(runDir, "testkit-run", "testkit", masker);
        StepTypeRegistry installed = StepTypeRegistry.load();
        // the type under test replaces an installed one of the same id (its own jar is on the class path)
        List<StepType> types = new java.util.ArrayList<>(installed.all());
        types.removeIf(t -> t.id().equals(type.id()));
        types.add(type);
        StepTypeRegistry registry = new StepTypeRegistry(types);
        this.runner = new StepRunner(new RunContext(journal, "testkit-run", runDir, baseDir, registry, masker, listener,
                new Abort(), Approver.DENY, List.of()));
    }

    /** What one apply, undo or probe did. */
    public record Result(boolean succeeded, Map<String, Object> outputs, String error,
                         dev.cutover.spi.Intent intent, Map<String, Object> inputs) {
    }

    public Journal journal() {
        return journal;
    }

    /** Runs the step as a run would (prepare, intent, apply; or the check), with a timeout and no retries. */
    public Result apply(String stepId, Map<String, Object> inputs, Duration timeout) throws StepFailedException {
        Map<String, Object> in = checked(inputs);
        // the inputs stand in for the raw with: (readonly: true and the like decide what the step is)
        StepDef step = new StepDef(stepId, type.id(), "", in, timeout, RetryPolicy.NONE, null, null, null, null,
                false, Section.STEPS, Location.unknown(null));
        Executed ex = runner.runResolved(step, type, "steps", in);
        boolean ok = ex.outcome().status() != StepStatus.FAILED;
        return new Result(ok, ex.outcome().outputs(), ok ? null : ex.outcome().message(), ex.intent(), in);
    }

    /** Runs the type's built-in undo with what {@code applied} recorded. */
    public Result undo(String stepId, Result applied, Duration timeout) {
        StepDef step = new StepDef(stepId, type.id(), "", Map.of(), timeout, RetryPolicy.NONE, null, null, null, null,
                false, Section.STEPS, Location.unknown(null));
        StepOutcome o = new StepOutcome(stepId, "steps", StepStatus.SUCCEEDED, 1, 0, "", applied.outputs());
        Executed ex = new Executed(step, type, o, applied.intent(), applied.inputs(), null, true, true, true, false);
        String error = runner.undo(ex, new Interpolator(Map.of(), Map.of(), Map.of(), "testkit-run",
                journal.file().getParent(), new Masker()));
        runner.drainUndoOutcomes();
        return new Result(error == null, Map.of(), error, applied.intent(), applied.inputs());
    }

    /** Asks the type's probe whether what {@code applied} recorded is in effect. */
    public ProbeResult probe(String stepId, Result applied, Duration timeout) {
        StepDef step = new StepDef(stepId, type.id(), "", Map.of(), timeout, RetryPolicy.NONE, null, null, null, null,
                false, Section.STEPS, Location.unknown(null));
        return runner.probe(step, type, applied.inputs(), applied.intent(), null).result();
    }

    /** The plan for these inputs. */
    public Plan plan(String stepId, Map<String, Object> inputs) throws StepFailedException {
        return type.plan(runner.contextFor(stepId, "steps", checked(inputs), null, true, List.of()));
    }

    private Map<String, Object> checked(Map<String, Object> inputs) throws StepFailedException {
        for (String key : inputs.keySet()) {
            if (type.inputs().stream().noneMatch(s -> s.name().equals(key))) {
                throw new IllegalArgumentException(type.id() + " declares no input '" + key + "'");
            }
        }
        Map<String, Object> in = StepRunner.withDefaults(type, inputs);
        for (InputSpec s : type.inputs()) {
            if (s.required() && in.get(s.name()) == null) {
                throw new StepFailedException(type.id() + " needs input '" + s.name() + "'");
            }
        }
        return in;
    }

    @Override
    public void close() throws IOException {
        runner.shutdown();
        journal.close();
    }
}
