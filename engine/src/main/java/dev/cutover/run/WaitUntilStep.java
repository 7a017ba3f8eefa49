package dev.cutover.run;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;

import java.util.List;

/**
 * {@code wait.until}: runs a read-only step every {@code interval} until it passes or the
 * {@code deadline} passes, e.g. until an RDS instance is {@code available} or a health check is 200.
 * The engine runs the polls; each is journaled.
 */
public final class WaitUntilStep implements StepType {
    public static final String ID = "wait.until";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Poll a read-only step until it passes (interval, deadline).";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(InputSpec.required("uses", InputType.STRING, "the read-only step type to poll"),
                InputSpec.optional("with", InputType.MAP, java.util.Map.of(), "its inputs"),
                InputSpec.optional("interval", InputType.DURATION, "5s", "time between polls"),
                InputSpec.optional("deadline", InputType.DURATION, "5m", "give up after this long"));
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public Plan plan(StepContext ctx) throws StepFailedException {
        return Plan.of("would poll " + ctx.inputs().string("uses") + " every " + ctx.inputs().string("interval")
                + " for up to " + ctx.inputs().string("deadline"));
    }

    @Override
    public StepResult apply(StepContext ctx, Intent intent) throws StepFailedException {
        throw new StepFailedException("wait.until is run by the engine");
    }
}
