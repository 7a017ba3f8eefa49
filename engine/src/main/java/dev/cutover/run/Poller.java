package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.StepDef;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Runs a {@code wait.until} step: polls a read-only step type until it passes or the deadline passes. */
final class Poller {
    private final StepExecutor executor;
    private final Journal journal;
    private final RunListener listener;
    private final Masker masker;
    private final StepTypeRegistry registry;

    Poller(StepExecutor executor, Journal journal, RunListener listener, Masker masker, StepTypeRegistry registry) {
        this.executor = executor;
        this.journal = journal;
        this.listener = listener;
        this.masker = masker;
        this.registry = registry;
    }

    @SuppressWarnings("unchecked")
    StepExecutor.Executed poll(StepDef step, StepType type, String section, Interpolator interpolator, Path runDir,
                               String runId, long t0) {
        listener.stepStarted(section, step.id(), 1);
        Map<String, Object> in;
        StepType polled;
        Duration interval;
        Duration deadline;
        try {
            in = StepExecutor.withDefaults(type, interpolator.resolveAll(step.with()));
            Inputs inputs = new Inputs(in, null);
            String uses = inputs.string("uses");
            polled = registry == null ? null : registry.find(uses).orElse(null);
            if (polled == null || !polled.readOnly((Map<String, Object>) step.with().getOrDefault("with", Map.of()))) {
                throw new StepFailedException("wait.until needs a read-only step type, got '" + uses + "'");
            }
            interval = inputs.duration("interval");
            deadline = inputs.duration("deadline");
        } catch (StepFailedException e) {
            journal.append("step.failed", step.id(), section, 1, Map.of("error", masker.mask(e.getMessage()),
                    "will_retry", false));
            return executor.finishFailedPublic(step, type, section, 1, t0, masker.mask(e.getMessage()));
        }
        Map<String, Object> inner = StepExecutor.withDefaults(polled, (Map<String, Object>) in.get("with"));
        journal.append("step.started", step.id(), section, 1, Map.of("uses", step.uses(), "polls", polled.id(),
                "inputs", inner, "interval_ms", interval.toMillis(), "deadline_ms", deadline.toMillis()));
        RunStepContext ctx = new RunStepContext(step.id(), new Inputs(inner, null), runDir, runId,
                Optional.ofNullable(step.timeout()), false, listener, masker);
        long end = System.nanoTime() + deadline.toNanos();
        int polls = 0;
        String last = "";
        while (true) {
            polls++;
            try {
                StepResult r = executor.call(() -> polled.apply(ctx, Intent.none()), deadline, false);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("outputs", r.outputs());
                data.put("duration_ms", ms);
                data.put("polls", polls);
                journal.append("step.succeeded", step.id(), section, 1, data);
                @SuppressWarnings("unchecked")
                Map<String, Object> masked = (Map<String, Object>) masker.maskValue(r.outputs());
                StepOutcome o = new StepOutcome(step.id(), section, StepStatus.SUCCEEDED, polls, ms,
                        "passed after " + polls + " poll(s)", masked);
                listener.stepFinished(section, o);
                return new StepExecutor.Executed(step, type, o, Intent.none(), in, false, false);
            } catch (StepFailedException e) {
                last = masker.mask(e.getMessage());
            } catch (java.util.concurrent.TimeoutException | StepExecutor.AbortedException e) {
                last = "the poll did not finish";
            } catch (RuntimeException e) {
                last = masker.mask(e.toString());
            }
            journal.append("wait.poll", step.id(), section, 1, Map.of("poll", polls, "error", last));
            if (System.nanoTime() + interval.toNanos() > end) {
                String msg = "still failing after " + polls + " poll(s) over "
                        + dev.cutover.spi.Durations.format(deadline) + ": " + last;
                journal.append("step.failed", step.id(), section, 1, Map.of("error", msg, "will_retry", false));
                return executor.finishFailedPublic(step, type, section, polls, t0, msg);
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return executor.finishFailedPublic(step, type, section, polls, t0, "interrupted");
            }
        }
    }
}
