package dev.cutover.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;
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
 * through Apache Commons Exec, with a timeout that kills the whole process tree. Secrets reach the
 * child only through {@code env} or {@code stdin}, never its argv.
 */
public final class ShellExecStep implements StepType {
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
    public boolean readOnly() {
        return false;
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
    @SuppressWarnings("deprecation") // subclassing needs the public constructor; the builder cannot make a subclass
    public StepResult apply(StepContext ctx, Intent intent) throws StepFailedException, InterruptedException {
        Inputs in = ctx.inputs();
        List<String> argv = in.stringList("command");
        if (argv.isEmpty()) {
            throw new StepFailedException("input 'command' is empty; give an argv list such as [echo, hello]");
        }
        CommandLine cl = new CommandLine(argv.get(0));
        for (String a : argv.subList(1, argv.size())) {
            cl.addArgument(a, false);
        }
        AtomicReference<Process> started = new AtomicReference<>();
        DefaultExecutor executor = new DefaultExecutor() {
            @Override
            protected Process launch(CommandLine command, Map<String, String> env, Path dir) throws IOException {
                Process p = new TreeKillingProcess(super.launch(command, env, dir));
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
            executor.execute(cl, env, result);
            result.waitFor();
        } catch (IOException e) {
            throw new StepFailedException("cannot start '" + argv.get(0) + "': " + e.getMessage());
        } catch (InterruptedException e) {
            watchdog.destroyProcess();
            Process p = started.get();
            if (p != null) {
                p.destroy();
            }
            throw e;
        }
        Map<String, Object> outputs = new LinkedHashMap<>();
        int code = result.getExitValue();
        outputs.put("exit_code", code);
        outputs.put("stdout", ctx.mask(out.text()));
        outputs.put("stderr", ctx.mask(err.text()));
        outputs.put("duration_ms", (System.nanoTime() - t0) / 1_000_000);
        if (watchdog.killedProcess()) {
            throw new StepFailedException("'" + argv.get(0) + "' timed out after " + dev.cutover.spi.Durations.format(
                    timeout) + " and was killed with its child processes", outputs, null);
        }
        if (result.getException() != null && started.get() == null) {
            Throwable cause = result.getException().getCause() != null ? result.getException().getCause()
                    : result.getException();
            throw new StepFailedException("cannot start '" + argv.get(0) + "': " + ctx.mask(String.valueOf(
                    cause.getMessage())) + " (is it installed and on the PATH?)", Map.of(), null);
        }
        List<Long> expected = new ArrayList<>();
        for (Object o : in.list("expect_exit")) {
            expected.add(Long.parseLong(String.valueOf(o)));
        }
        if (!expected.contains((long) code)) {
            String last = lastLine(err.text().isBlank() ? out.text() : err.text());
            throw new StepFailedException("'" + shortCommand(argv) + "' exited with " + code + " (expected "
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
