package dev.cutover.process;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How to run and recognise one service, read from a step's inputs. Env values may hold secrets. */
record ServiceSpec(String name, List<String> command, Map<String, Secret> env, boolean inheritEnv, Optional<Path> cwd,
                   PidFile pidFile, Path logFile, Optional<String> readyUrl, Optional<Path> readyPortFile,
                   Duration readyTimeout, Duration grace, boolean detach) {

    static final InputSpec NAME = InputSpec.required("name", InputType.STRING, "the service's name, for messages and traits");
    static final InputSpec PID_FILE = InputSpec.required("pid_file", InputType.PATH, "where the service's pid is kept");
    static final InputSpec GRACE = InputSpec.optional("grace", InputType.DURATION, "10s",
            "how long to wait after SIGTERM before SIGKILL");

    static final List<InputSpec> START_INPUTS = List.of(NAME,
            InputSpec.required("command", InputType.LIST, "argv list; no shell unless you write [sh, -c, ...]")
                    .refusingSecrets(),
            InputSpec.optional("env", InputType.MAP, null, "extra environment variables; the only way to pass secrets"),
            InputSpec.optional("inherit_env", InputType.BOOL, true, "start from cutover's own environment (minus any variable holding one of this run's secrets)"),
            InputSpec.optional("cwd", InputType.PATH, null, "working directory"),
            PID_FILE,
            InputSpec.optional("log_file", InputType.PATH, null, "stdout and stderr, appended (default: <pid_file>.log)"),
            InputSpec.optional("ready_url", InputType.STRING, null, "ready once this URL answers with any HTTP status"),
            InputSpec.optional("ready_port_file", InputType.PATH, null,
                    "ready once the service writes its port here and the port accepts connections"),
            InputSpec.optional("ready_timeout", InputType.DURATION, "30s", "how long to wait for readiness"),
            InputSpec.optional("detach", InputType.BOOL, true,
                    "kept so older runbooks load: a service always runs in its own session (setsid), outlives "
                            + "cutover and never sees a Ctrl-C at cutover's terminal"));

    static ServiceSpec read(StepContext context, boolean forStart) throws StepFailedException {
        Inputs in = context.inputs();
        PidFile pid = new PidFile(in.path("pid_file"));
        Duration grace = in.has("grace") ? in.duration("grace") : Duration.ofSeconds(10);
        if (!forStart) {
            return new ServiceSpec(in.string("name"), List.of(), Map.of(), true, Optional.empty(), pid, null,
                    Optional.empty(), Optional.empty(), Duration.ZERO, grace, true);
        }
        List<String> command = in.stringList("command");
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new StepFailedException("command must name a program, e.g. [java, -jar, app.jar]");
        }
        Map<String, Secret> env = new LinkedHashMap<>();
        if (in.has("env")) {
            for (Map.Entry<String, Object> e : in.map("env").entrySet()) {
                Object v = e.getValue();
                env.put(e.getKey(), v instanceof Secret s ? s : new Secret(v == null ? "" : v.toString()));
            }
        }
        Path log = in.optionalPath("log_file").orElse(Path.of(pid.path() + ".log"));
        Duration ready = in.duration("ready_timeout");
        Optional<Duration> stepTimeout = context.timeout();
        if (stepTimeout.isPresent() && stepTimeout.get().compareTo(ready) < 0) {
            ready = stepTimeout.get();
        }
        return new ServiceSpec(in.string("name"), command, env, in.bool("inherit_env", true), in.optionalPath("cwd"),
                pid, log, in.optionalString("ready_url"), in.optionalPath("ready_port_file"), ready, grace,
                in.bool("detach", true));
    }

    /** What the plan and the journal may show: argv and env names, never env values. */
    String describe() {
        return name + ": " + String.join(" ", command) + (env.isEmpty() ? "" : " with env " + env.keySet());
    }
}
