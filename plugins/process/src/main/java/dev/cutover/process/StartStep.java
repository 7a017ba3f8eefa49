package dev.cutover.process;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Undoable;
import dev.cutover.spi.Probeable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code process.start}: starts a service as a detached process tracked by a pid file and waits
 * until it is ready (a URL answers, or it writes its port); the local stand-in for
 * {@code systemctl start}. Its built-in undo stops what it started.
 */
public final class StartStep implements Undoable, Probeable {

    @Override
    public String id() {
        return "process.start";
    }

    @Override
    public String description() {
        return "Start a service tracked by a pid file and wait until it is ready (undo stops it).";
    }

    @Override
    public List<InputSpec> inputs() {
        return ServiceSpec.START_INPUTS;
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.integer("pid", "the service's process id"),
                OutputSpec.string("log_file", "where its output goes (absent when it was already running)"),
                OutputSpec.integer("ready_ms",
                        "how long it took to become ready (absent when it was already running)"),
                OutputSpec.integer("port", "the port it wrote to ready_port_file (only with ready_port_file)"));
    }

    /** {@code restarts:{name}}: the service named by the step's {@code name} input is (re)started. */
    @Override
    public Set<String> traits() {
        return Set.of("restarts:{name}", dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        ServiceSpec spec = ServiceSpec.read(context, true);
        Optional<Long> live = ServiceControl.livePid(context, spec.pidFile());
        if (live.isPresent()) {
            return Plan.of(spec.name() + " is already running (pid " + live.get() + "); nothing to do");
        }
        return Plan.of("start " + spec.name(), List.of("+ " + context.mask(spec.describe())));
    }

    @Override
    public Intent prepare(StepContext context) throws StepFailedException {
        ServiceSpec spec = ServiceSpec.read(context, true);
        Optional<Long> live = ServiceControl.livePid(context, spec.pidFile());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("pid_file", spec.pidFile().path().toString());
        data.put("was_running", live.isPresent());
        live.ifPresent(p -> data.put("previous_pid", p));
        return Intent.of(data);
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException, InterruptedException {
        ServiceSpec spec = ServiceSpec.read(context, true);
        Optional<Long> live = ServiceControl.livePid(context, spec.pidFile());
        if (live.isPresent()) {
            return StepResult.unchanged(spec.name() + " is already running", Map.of("pid", live.get()));
        }
        return StepResult.done(ServiceControl.start(spec, context));
    }

    @Override
    public StepResult undo(StepContext context, Intent intent) throws StepFailedException, InterruptedException {
        ServiceSpec spec = ServiceSpec.read(context, false);
        if (Boolean.parseBoolean(intent.string("was_running"))) {
            return StepResult.unchanged(spec.name() + " was already running before; left running", Map.of());
        }
        Optional<Long> stopped = ServiceControl.stop(spec, context);
        return stopped.isPresent()
                ? StepResult.done(Map.of("stopped_pid", stopped.get()))
                : StepResult.unchanged(spec.name() + " is not running", Map.of());
    }

    @Override
    public ProbeResult probe(StepContext context, Intent intent) {
        try {
            return ServiceControl.livePid(context, new PidFile(java.nio.file.Path.of(intent.string("pid_file")))).isPresent()
                    ? ProbeResult.DONE : ProbeResult.NOT_DONE;
        } catch (StepFailedException e) {
            return ProbeResult.UNKNOWN;
        }
    }
}
