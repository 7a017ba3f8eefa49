package dev.cutover.process;

import dev.cutover.secrets.CommandLines;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code process.info} (read-only): what the running service really is: its pid, argv and, for a
 * JVM, the truststore in effect ({@code -Djavax.net.ssl.trustStore}, else the JDK's jssecacerts,
 * else cacerts). With {@code expect_truststore} it fails when the service uses a different store
 * than the environment names, the drift behind the incident this tool exists for.
 */
public final class InfoStep implements Check {

    @Override
    public String id() {
        return "process.info";
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public String description() {
        return "Report a running service's pid, argv and JVM truststore in effect; optionally assert the truststore.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(ServiceSpec.NAME, ServiceSpec.PID_FILE,
                InputSpec.optional("expect_running", InputType.BOOL, true, "fail when the service is not running"),
                InputSpec.optional("expect_truststore", InputType.PATH, null,
                        "fail unless the JVM's truststore in effect is this file"));
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.bool("running", "whether a live process holds the pid file"),
                OutputSpec.integer("pid", "its process id (the keys below are absent when it is not running)"),
                OutputSpec.string("command", "its executable"),
                OutputSpec.list("arguments", "its arguments, secrets masked"),
                OutputSpec.string("started", "when it started, ISO-8601 (absent when the OS does not say)"),
                OutputSpec.string("java_truststore", "the truststore the JVM uses ('' when it is not a JVM)"),
                OutputSpec.string("truststore_source",
                        "where that came from: -Djavax.net.ssl.trustStore, jssecacerts or cacerts"),
                OutputSpec.string("truststore_type", "the store type the JVM was given, or ''"));
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        if (!context.host().isLocal()) {
            return onHost(context, in);
        }
        String name = in.string("name");
        PidFile pidFile = new PidFile(in.path("pid_file"));
        Optional<ProcessHandle> live = pidFile.live();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("running", live.isPresent());
        if (live.isEmpty()) {
            if (in.bool("expect_running", true)) {
                throw new StepFailedException(name + " is not running (no live process in " + pidFile.path() + ")", out, null);
            }
            return StepResult.done(out);
        }
        ProcessHandle p = live.get();
        ProcessHandle.Info info = p.info();
        List<String> args = info.arguments().map(List::of).orElse(List.of());
        out.put("pid", p.pid());
        out.put("command", info.command().orElse(""));
        out.put("arguments", CommandLines.maskArguments(args).stream().map(context::mask).toList());
        info.startInstant().ifPresent(t -> out.put("started", t.toString()));
        Optional<JvmTruststore> store = JvmTruststore.of(p.pid(), info.command().orElse(""), args);
        if (store.isEmpty()) {
            store = p.descendants().map(d -> JvmTruststore.of(d.pid(), d.info().command().orElse(""),
                    d.info().arguments().map(List::of).orElse(List.of()))).flatMap(Optional::stream).findFirst();
        }
        out.put("java_truststore", store.map(s -> s.path().toString()).orElse(""));
        out.put("truststore_source", store.map(JvmTruststore::source).orElse(""));
        out.put("truststore_type", store.map(JvmTruststore::type).orElse(""));
        if (in.has("expect_truststore")) {
            java.nio.file.Path expected = in.path("expect_truststore");
            if (store.isEmpty()) {
                throw new StepFailedException(name + " (pid " + p.pid() + ") is not a JVM whose truststore can be read from"
                        + " its command line; cannot confirm it uses " + expected, out, null);
            }
            if (!JvmTruststore.sameFile(store.get().path(), expected)) {
                throw new StepFailedException(name + " (pid " + p.pid() + ") uses truststore " + store.get().path()
                        + " (from " + store.get().source() + "), but this environment names " + expected
                        + ": the store the runbook would change is not the one the application reads."
                        + " Correct the environment file, or the service's start-up options, before the change", out, null);
            }
        }
        return StepResult.done(out);
    }

    /** The same on a fleet host: the pid file, {@code /proc} and the JDK's files are the host's. */
    private StepResult onHost(StepContext context, Inputs in) throws StepFailedException {
        String name = in.string("name");
        String where = " on " + context.host().name();
        PidFile pidFile = new PidFile(in.path("pid_file"));
        Optional<Long> live = RemoteService.live(context, pidFile);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("running", live.isPresent());
        if (live.isEmpty()) {
            if (in.bool("expect_running", true)) {
                throw new StepFailedException(name + " is not running" + where + " (no live process in " + pidFile.path()
                        + ")", out, null);
            }
            return StepResult.done(out);
        }
        try {
            List<RemoteService.HostProcess> tree = RemoteService.processes(context, live.get());
            if (tree.isEmpty() || tree.get(0).pid() != live.get()) {
                throw new StepFailedException(name + where + " (pid " + live.get() + ") ended while it was read", out, null);
            }
            RemoteService.HostProcess p = tree.get(0);
            out.put("pid", p.pid());
            out.put("command", p.command());
            out.put("arguments", CommandLines.maskArguments(p.args()).stream().map(context::mask).toList());
            if (p.startedEpochSeconds() != null) {
                out.put("started", java.time.Instant.ofEpochSecond(p.startedEpochSeconds()).toString());
            }
            Optional<JvmTruststore> store = Optional.empty();
            for (RemoteService.HostProcess q : tree) {
                store = JvmTruststore.of(q.command(), q.args(),
                        () -> q.cwd().isEmpty() ? Optional.empty() : Optional.of(java.nio.file.Path.of(q.cwd())),
                        f -> exists(context, f));
                if (store.isPresent()) {
                    break;
                }
            }
            out.put("java_truststore", store.map(s -> s.path().toString()).orElse(""));
            out.put("truststore_source", store.map(JvmTruststore::source).orElse(""));
            out.put("truststore_type", store.map(JvmTruststore::type).orElse(""));
            if (in.has("expect_truststore")) {
                String expected = in.path("expect_truststore").toString();
                if (store.isEmpty()) {
                    throw new StepFailedException(name + where + " (pid " + p.pid() + ") is not a JVM whose truststore can"
                            + " be read from its command line; cannot confirm it uses " + expected, out, null);
                }
                List<String> both = RemoteService.canonical(context, List.of(store.get().path().toString(), expected));
                if (!both.get(0).equals(both.get(1))) {
                    throw new StepFailedException(name + where + " (pid " + p.pid() + ") uses truststore "
                            + store.get().path() + " (from " + store.get().source() + "), but this environment names "
                            + expected + ": the store the runbook would change is not the one the application reads."
                            + " Correct the environment file, or the service's start-up options, before the change",
                            out, null);
                }
            }
            return StepResult.done(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailedException("interrupted while reading " + name + where);
        }
    }

    private static boolean exists(StepContext context, java.nio.file.Path file) {
        try {
            return context.host().stat(file.toString()).isPresent();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
