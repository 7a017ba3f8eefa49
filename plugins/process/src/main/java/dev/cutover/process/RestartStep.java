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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code process.restart}: stops the service (if running) and starts it again, waiting for
 * readiness; the local stand-in for {@code systemctl restart}. A restart has no undo of its own:
 * runbooks say {@code no_undo} and restart again in their rollback section.
 */
public final class RestartStep implements Probeable {

    @Override
    public String id() {
        return "process.restart";
    }

    @Override
    public String description() {
        return "Stop the service (SIGTERM, then SIGKILL) and start it again, waiting until it is ready.";
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> specs = new ArrayList<>(ServiceSpec.START_INPUTS);
        specs.add(ServiceSpec.GRACE);
        specs.add(InputSpec.optional("match", dev.cutover.spi.InputType.STRING, null,
                "regular expression found in the running service's command line: finds it when the pid file names "
                        + "no live process (started by hand or by an init script); more than one match is refused"));
        return List.copyOf(specs);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.integer("previous_pid", "the process id stopped (absent when it was not running)"),
                OutputSpec.integer("pid", "the new process id"),
                OutputSpec.string("log_file", "where its output goes"),
                OutputSpec.integer("ready_ms", "how long it took to become ready"),
                OutputSpec.integer("port", "the port it wrote to ready_port_file (only with ready_port_file)"));
    }

    /** {@code restarts:{name}}: the service named by the step's {@code name} input is restarted. */
    @Override
    public Set<String> traits() {
        return Set.of("restarts:{name}", dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        ServiceSpec spec = ServiceSpec.read(context, true);
        Optional<Long> live = running(context, spec);
        List<String> changes = new ArrayList<>();
        live.ifPresent(p -> changes.add("- stop pid " + p + " (SIGTERM, SIGKILL after "
                + dev.cutover.spi.Durations.format(spec.grace()) + ")"));
        changes.add("+ " + context.mask(spec.describe()));
        return Plan.of("restart " + spec.name(), changes);
    }

    @Override
    public Intent prepare(StepContext context) throws StepFailedException {
        ServiceSpec spec = ServiceSpec.read(context, true);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("pid_file", spec.pidFile().path().toString());
        running(context, spec).ifPresent(p -> data.put("previous_pid", p));
        return Intent.of(data);
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException, InterruptedException {
        ServiceSpec spec = ServiceSpec.read(context, true);
        Optional<Long> stopped = ServiceControl.stop(spec, context);
        if (stopped.isEmpty() && context.inputs().has("match")) {
            Optional<Long> found = running(context, spec);
            if (found.isPresent()) {
                ServiceControl.stopPid(context, found.get(), spec);
                context.note(spec.name() + " found by its command line, pid " + found.get() + "; stopped");
                stopped = found;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        stopped.ifPresent(pid -> out.put("previous_pid", pid));
        out.putAll(ServiceControl.start(spec, context));
        return StepResult.done(out, stopped.isPresent() ? "restarted" : "was not running; started");
    }

    /** The running service: the pid file's live process, else the one process 'match' finds (more is refused). */
    private static Optional<Long> running(StepContext context, ServiceSpec spec) throws StepFailedException {
        Optional<Long> live = ServiceControl.livePid(context, spec.pidFile());
        if (live.isPresent() || !context.inputs().has("match")) {
            return live;
        }
        return CommandLineMatch.find(context, spec.name(), CommandLineMatch.pattern(context.inputs().string("match")));
    }

    /** DONE when a live process other than the one recorded before the restart holds the pid file. */
    @Override
    public ProbeResult probe(StepContext context, Intent intent) {
        try {
            Optional<Long> live = ServiceControl.livePid(context, new PidFile(java.nio.file.Path.of(intent.string("pid_file"))));
            if (live.isEmpty()) {
                return ProbeResult.NOT_DONE;
            }
            String before = intent.string("previous_pid");
            return before != null && before.equals(Long.toString(live.get())) ? ProbeResult.NOT_DONE : ProbeResult.DONE;
        } catch (StepFailedException e) {
            return ProbeResult.UNKNOWN;
        }
    }
}
