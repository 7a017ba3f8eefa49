package dev.cutover.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.spi.ChildProcesses;
import dev.cutover.spi.Host;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;
import dev.cutover.spi.Change;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code shell.exec}: runs an argv list (no shell unless the runbook writes {@code [sh, -c, ...]})
 * through Apache Commons Exec in a session of its own, tagged with the step ({@link ChildProcesses}):
 * a terminal Ctrl-C reaches only cutover, and a timeout or abort stops the whole process tree,
 * double-forked and {@code setsid} grandchildren included; what the command leaves running when it
 * exits is stopped too. Secrets reach the child only through {@code env} or {@code stdin}, never its argv.
 */
public final class ShellExecStep implements Check, Change {
    static final int TAIL = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String id() {
        return "shell.exec";
    }

    @Override
    public String description() {
        return "Run a command (argv list); mutating unless readonly: true.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.required("command", InputType.LIST, "argv list, e.g. [systemctl, restart, app]")
                        .refusingSecrets(),
                InputSpec.optional("env", InputType.MAP, null, "extra environment variables (may hold secrets)"),
                InputSpec.optional("cwd", InputType.PATH, null, "working directory"),
                InputSpec.optional("stdin", InputType.ANY, null, "text written to the command's standard input"),
                InputSpec.optional("expect_exit", InputType.LIST, List.of(0L), "exit codes that mean success"),
                InputSpec.optional("readonly", InputType.BOOL, false,
                        "true when the command only reads (allowed in preflight and validate)"),
                InputSpec.optional("parse", InputType.STRING, "text", "text or json (stdout parsed into output 'json')"));
    }

    @Override
    public List<String> checkLiterals(Map<String, Object> rawWith) {
        List<String> out = new ArrayList<>();
        Object codes = rawWith.get("expect_exit");
        if (codes instanceof List<?> l) {
            for (Object c : l) {
                boolean reference = c instanceof String s && s.contains("${");
                boolean code = c instanceof Number n && n.longValue() >= 0 && n.longValue() <= 255
                        || c instanceof String s && s.matches("\\d{1,3}") && Integer.parseInt(s) <= 255;
                if (!reference && !code) {
                    out.add("input 'expect_exit': '" + c + "' is not an exit code (0 to 255)");
                }
            }
        }
        Object parse = rawWith.get("parse");
        if (parse instanceof String p && !p.contains("${") && !p.equals("text") && !p.equals("json")) {
            out.add("input 'parse': '" + p + "' is neither text nor json");
        }
        return out;
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.RUNS_ARGV);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.integer("exit_code", "the command's exit code"),
                OutputSpec.string("stdout", "the last 16 KiB of standard output, secrets masked"),
                OutputSpec.string("stderr", "the last 16 KiB of standard error, secrets masked"),
                OutputSpec.integer("duration_ms", "from start to exit, in milliseconds"),
                OutputSpec.any("json",
                        "only with parse: json: stdout parsed as JSON; keys below it are free (json.version)"),
                OutputSpec.string("stopped_leftovers", "only when the command left processes running: what was "
                        + "stopped at the step's end (process.start is the way to leave a service running)"));
    }

    @Override
    public boolean readOnly(Map<String, Object> rawWith) {
        return Boolean.TRUE.equals(rawWith.get("readonly")) || "true".equals(rawWith.get("readonly"));
    }

    @Override
    public Plan plan(StepContext ctx) throws StepFailedException {
        Inputs in = ctx.inputs();
        List<String> changes = new ArrayList<>();
        changes.add("$ " + String.join(" ", in.stringList("command")));
        if (in.has("env")) {
            in.map("env").forEach((k, v) -> changes.add("  env " + k + "=" + (v instanceof Secret ? Secret.MASK
                    : ctx.mask(String.valueOf(v)))));
        }
        return Plan.of("would run " + in.stringList("command").get(0), changes);
    }

    @Override
    public StepResult check(StepContext ctx) throws StepFailedException, InterruptedException {
        return apply(ctx, Intent.none());
    }

    @Override
    @SuppressWarnings("deprecation") // subclassing needs the public constructor; the builder cannot make a subclass
    public StepResult apply(StepContext ctx, Intent intent) throws StepFailedException, InterruptedException {
        Inputs in = ctx.inputs();
        List<String> argv = in.stringList("command");
        if (argv.isEmpty()) {
            throw new StepFailedException("input 'command' is empty; give an argv list such as [echo, hello]");
        }
        if (!ctx.host().isLocal()) {
            return applyOnHost(ctx, in, argv);
        }
        String tag = ChildProcesses.tag(ctx);
        ChildProcesses.prepare();
        List<String> launched = ChildProcesses.inOwnSession(argv);
        CommandLine cl = new CommandLine(launched.get(0));
        for (String a : launched.subList(1, launched.size())) {
            cl.addArgument(a, false);
        }
        AtomicReference<Process> started = new AtomicReference<>();
        DefaultExecutor executor = new DefaultExecutor() {
            @Override
            protected Process launch(CommandLine command, Map<String, String> env, Path dir) throws IOException {
                Process raw = super.launch(command, env, dir);
                ChildProcesses.started(raw, tag);
                Process p = new TreeKillingProcess(raw, tag);
                started.set(p);
                return p;
            }

            @Override
            protected Process launch(CommandLine command, Map<String, String> env, File dir) throws IOException {
                return launch(command, env, dir == null ? null : dir.toPath());
            }
        };
        if (in.has("cwd")) {
            Path cwd = in.path("cwd");
            if (!Files.isDirectory(cwd)) {
                throw new StepFailedException("working directory " + cwd + " does not exist");
            }
            executor.setWorkingDirectory(cwd.toFile());
        }
        TailBuffer out = new TailBuffer(TAIL);
        TailBuffer err = new TailBuffer(TAIL);
        ByteArrayInputStream stdin = in.has("stdin") ? new ByteArrayInputStream(text(in.get("stdin"))
                .getBytes(StandardCharsets.UTF_8)) : null;
        executor.setStreamHandler(new PumpStreamHandler(out, err, stdin));
        Duration timeout = ctx.timeout().orElse(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION);
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        executor.setWatchdog(watchdog);
        executor.setExitValues(null);
        Map<String, String> env = dev.cutover.secrets.SecretEnvironment.inherited(); // no inherited secrets
        if (in.has("env")) {
            in.map("env").forEach((k, v) -> env.put(k, text(v)));
        }
        LatchResultHandler result = new LatchResultHandler();
        long t0 = System.nanoTime();
        try {
            executor.execute(cl, ChildProcesses.forStep(env, tag), result);
            result.waitFor();
        } catch (IOException e) {
            ChildProcesses.killTagged(tag);
            throw new StepFailedException("cannot start '" + argv.get(0) + "': " + e.getMessage());
        } catch (InterruptedException e) {
            // the engine stops the step (timeout, Ctrl-C, SIGTERM): nothing it started may go on
            ChildProcesses.killTagged(tag);
            watchdog.destroyProcess();
            throw e;
        }
        // no process outlives its step: what the command left running (a '&' job, a daemon) is stopped
        ChildProcesses.Stopped leftovers = ChildProcesses.killTagged(tag);
        int code = result.getExitValue();
        Map<String, Object> outputs = outputs(ctx, code, out, err, t0);
        if (leftovers.any() && !watchdog.killedProcess()) {
            outputs.put("stopped_leftovers", leftovers.describe());
            ctx.note("stopped " + leftovers.describe() + " that '" + argv.get(0)
                    + "' left running; no process outlives its step (use process.start for a service)");
        }
        if (result.getException() != null && started.get() == null && !ChildProcesses.failedToStart(code, err.text())) {
            Throwable cause = result.getException().getCause() != null ? result.getException().getCause()
                    : result.getException();
            throw new StepFailedException("cannot start '" + argv.get(0) + "': " + ctx.mask(String.valueOf(
                    cause.getMessage())) + " (is it installed and on the PATH?)", Map.of(), null);
        }
        return finish(ctx, argv, code, out, err, watchdog.killedProcess(), timeout, outputs, "");
    }

    /**
     * Runs the command on a fleet host ({@link StepContext#host()}) through its transport: the same argv, env,
     * stdin, working directory and timeout; on a timeout or abort the host kills the command's whole tree, and
     * what it leaves running in its process group is stopped when it exits.
     */
    private StepResult applyOnHost(StepContext ctx, Inputs in, List<String> argv)
            throws StepFailedException, InterruptedException {
        Host host = ctx.host();
        Map<String, String> env = new LinkedHashMap<>();
        if (in.has("env")) {
            in.map("env").forEach((k, v) -> env.put(k, text(v)));
        }
        byte[] stdin = in.has("stdin") ? text(in.get("stdin")).getBytes(StandardCharsets.UTF_8) : null;
        String cwd = in.has("cwd") ? String.valueOf(in.get("cwd")) : null;
        Duration timeout = ctx.timeout().orElse(null);
        long t0 = System.nanoTime();
        Host.Exec e;
        try {
            e = host.run(new Host.Command(argv, stdin, env, timeout, ChildProcesses.tag(ctx), cwd));
        } catch (IOException x) {
            throw new StepFailedException("cannot run '" + argv.get(0) + "' on " + host.name() + ": "
                    + ctx.mask(String.valueOf(x.getMessage())));
        }
        TailBuffer out = new TailBuffer(TAIL);
        TailBuffer err = new TailBuffer(TAIL);
        out.write(e.stdout(), 0, e.stdout().length);
        err.write(e.stderr(), 0, e.stderr().length);
        int code = e.exitCode();
        return finish(ctx, argv, code, out, err, e.timedOut(), timeout, outputs(ctx, code, out, err, t0),
                " on " + host.name());
    }

    private static Map<String, Object> outputs(StepContext ctx, int code, TailBuffer out, TailBuffer err, long t0) {
        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put("exit_code", code);
        outputs.put("stdout", ctx.mask(out.text()));
        outputs.put("stderr", ctx.mask(err.text()));
        outputs.put("duration_ms", (System.nanoTime() - t0) / 1_000_000);
        return outputs;
    }

    /** Judges how the command ended (the same on this machine and on a fleet host). */
    private static StepResult finish(StepContext ctx, List<String> argv, int code, TailBuffer out, TailBuffer err,
                                     boolean timedOut, Duration timeout, Map<String, Object> outputs, String where)
            throws StepFailedException {
        Inputs in = ctx.inputs();
        if (ChildProcesses.failedToStart(code, err.text())) {
            throw new StepFailedException("cannot start '" + argv.get(0) + "'" + where + ": " + ctx.mask(err.text()
                    .strip().replaceFirst("^setsid: failed to execute [^:]*: ", "")) + " (is it installed and on the PATH?)",
                    Map.of(), null);
        }
        if (timedOut) {
            throw new StepFailedException("'" + argv.get(0) + "' timed out after " + dev.cutover.spi.Durations.format(
                    timeout) + where + " and was killed with its child processes", outputs, null);
        }
        List<Long> expected = new ArrayList<>();
        for (Object o : in.list("expect_exit")) {
            expected.add(Long.parseLong(String.valueOf(o)));
        }
        if (!expected.contains((long) code)) {
            String last = lastLine(err.text().isBlank() ? out.text() : err.text());
            throw new StepFailedException("'" + shortCommand(argv) + "' exited with " + code + where + " (expected "
                    + expected.stream().map(String::valueOf).reduce((a, b) -> a + " or " + b).orElse("0") + ")"
                    + (last.isEmpty() ? "" : ": " + ctx.mask(last)), outputs, null);
        }
        if ("json".equals(in.optionalString("parse").orElse("text"))) {
            try {
                outputs.put("json", JSON.readValue(out.text(), Object.class));
            } catch (IOException e) {
                throw new StepFailedException("'" + argv.get(0) + "' printed output that is not JSON (parse: json)",
                        outputs, null);
            }
        }
        return StepResult.done(outputs);
    }

    /** The command for messages: long arguments (scripts) shortened. */
    static String shortCommand(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            String one = a.replace('\n', ' ');
            sb.append(one.length() > 40 ? one.substring(0, 37) + "..." : one);
        }
        return sb.toString();
    }

    private static String text(Object v) {
        return v instanceof Secret s ? s.reveal() : String.valueOf(v);
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        String l = lines[lines.length - 1].strip();
        return l.length() > 300 ? l.substring(0, 300) + "..." : l;
    }
}
