package dev.cutover.shell;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code wait.sleep}: waits for a fixed time (e.g. to let a cache expire); read-only. */
public final class SleepStep implements Check {

    @Override
    public String id() {
        return "wait.sleep";
    }

    @Override
    public String description() {
        return "Wait for a fixed duration.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(InputSpec.required("duration", InputType.DURATION, "how long, e.g. 10s"));
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.integer("slept_ms", "how long it waited, in milliseconds"));
    }

    @Override
    public Plan plan(StepContext ctx) throws StepFailedException {
        return Plan.of("would wait " + dev.cutover.spi.Durations.format(ctx.inputs().duration("duration")));
    }

    @Override
    public StepResult check(StepContext ctx) throws StepFailedException, InterruptedException {
        Duration d = ctx.inputs().duration("duration");
        Thread.sleep(d.toMillis());
        return StepResult.done(Map.of("slept_ms", d.toMillis()));
    }
}
