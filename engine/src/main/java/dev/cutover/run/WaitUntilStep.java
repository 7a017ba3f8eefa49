package dev.cutover.run;

import dev.cutover.spi.Check;
import dev.cutover.spi.Durations;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code wait.until}: runs a read-only step every {@code interval} until it passes or the
 * {@code deadline} passes, e.g. until an RDS instance is {@code available} or a health check is 200.
 * Each poll goes through the engine's step runner ({@link StepContext#runCheck}) and is journaled.
 */
public final class WaitUntilStep implements Check {
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
                InputSpec.optional("with", InputType.MAP, Map.of(), "its inputs"),
                InputSpec.optional("interval", InputType.DURATION, "5s", "time between polls"),
                InputSpec.optional("deadline", InputType.DURATION, "5m", "give up after this long"));
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(OutputSpec.integer("polls", "how many polls it took"),
                OutputSpec.map("last", "the outputs of the poll that passed"));
    }

    @Override
    public Plan plan(StepContext ctx) throws StepFailedException {
        return Plan.of("would poll " + ctx.inputs().string("uses") + " every " + ctx.inputs().string("interval")
                + " for up to " + ctx.inputs().string("deadline"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public StepResult check(StepContext ctx) throws StepFailedException, InterruptedException {
        String uses = ctx.inputs().string("uses");
        Object w = ctx.inputs().get("with");
        Map<String, Object> with = w instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Duration interval = ctx.inputs().duration("interval");
        Duration deadline = ctx.inputs().duration("deadline");
        long end = System.nanoTime() + deadline.toNanos();
        int polls = 0;
        while (true) {
            polls++;
            try {
                StepResult r = ctx.runCheck(uses, with);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("polls", polls);
                out.put("last", r.outputs());
                return StepResult.done(out, "passed after " + polls + " poll(s)");
            } catch (StepFailedException e) {
                if (System.nanoTime() + interval.toNanos() > end) {
                    throw new StepFailedException("still failing after " + polls + " poll(s) over "
                            + Durations.format(deadline) + ": " + e.getMessage(), e.outputs(), null);
                }
            }
            Thread.sleep(interval.toMillis());
        }
    }
}
