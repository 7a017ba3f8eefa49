package dev.cutover.process;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Probeable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code process.stop}: stops the service a pid file names, with its whole process tree: SIGTERM,
 * then SIGKILL after a grace period; the local stand-in for {@code systemctl stop}.
 */
public final class StopStep implements Probeable {

    @Override
    public String id() {
        return "process.stop";
    }

    @Override
    public String description() {
        return "Stop the service a pid file names, with its process tree (SIGTERM, then SIGKILL after grace).";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(ServiceSpec.NAME, ServiceSpec.PID_FILE, ServiceSpec.GRACE);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.integer("stopped_pid", "the process id stopped (absent when it was not running)"));
    }

    @Override
    public Set<String> traits() {
        return Set.of("stops:{name}", dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        ServiceSpec spec = ServiceSpec.read(context, false);
        Optional<Long> live = ServiceControl.livePid(context, spec.pidFile());
        return live.isEmpty() ? Plan.of(spec.name() + " is not running; nothing to do")
                : Plan.of("stop " + spec.name(), List.of("- pid " + live.get() + " and its children"));
    }

    @Override
    public Intent prepare(StepContext context) throws StepFailedException {
        ServiceSpec spec = ServiceSpec.read(context, false);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("pid_file", spec.pidFile().path().toString());
        ServiceControl.livePid(context, spec.pidFile()).ifPresent(p -> data.put("previous_pid", p));
        return Intent.of(data);
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException, InterruptedException {
        ServiceSpec spec = ServiceSpec.read(context, false);
        Optional<Long> stopped = ServiceControl.stop(spec, context);
        return stopped.isPresent() ? StepResult.done(Map.of("stopped_pid", stopped.get()))
                : StepResult.unchanged(spec.name() + " is not running", Map.of());
    }

    @Override
    public ProbeResult probe(StepContext context, Intent intent) {
        try {
            return ServiceControl.livePid(context, new PidFile(java.nio.file.Path.of(intent.string("pid_file")))).isEmpty()
                    ? ProbeResult.DONE : ProbeResult.NOT_DONE;
        } catch (StepFailedException e) {
            return ProbeResult.UNKNOWN;
        }
    }
}
