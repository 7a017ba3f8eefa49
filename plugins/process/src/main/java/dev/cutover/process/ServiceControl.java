package dev.cutover.process;

import dev.cutover.spi.ChildProcesses;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Starts a service and waits until it is ready; stops a service and its whole process tree. */
final class ServiceControl {
    private ServiceControl() {
    }

    /** The live pid a pid file names on the step's host, or empty (no file, stale or recycled pid). */
    static Optional<Long> livePid(StepContext context, PidFile pidFile) throws StepFailedException {
        return context.host().isLocal() ? pidFile.live().map(ProcessHandle::pid) : RemoteService.live(context, pidFile);
    }

    /** Stops one process found without a pid file ({@code match:}) and its tree: SIGTERM, SIGKILL after the grace. */
    static void stopPid(StepContext context, long pid, ServiceSpec spec) throws StepFailedException,
            InterruptedException {
        if (!context.host().isLocal()) {
            RemoteService.stop(context, pid, spec.grace(), null);
            return;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isPresent() && !killTree(p.get(), spec.grace())) {
            throw new StepFailedException(spec.name() + " (pid " + pid + ") survived SIGTERM and SIGKILL; stop it by hand");
        }
    }

    /** Starts the service; returns outputs (pid, port, log_file, ready_ms). */
    static Map<String, Object> start(ServiceSpec spec, StepContext context) throws StepFailedException, InterruptedException {
        if (!context.host().isLocal()) {
            return RemoteService.start(spec, context);
        }
        // its own session (a Ctrl-C at cutover's terminal does not reach it) and a service tag, not the step's:
        // it outlives the step; only a timeout or abort of this very step (or resume finding it in doubt) kills it
        String tag = ChildProcesses.tag(context);
        ChildProcesses.prepare();
        ProcessBuilder pb = new ProcessBuilder(ChildProcesses.inOwnSession(spec.command()));
        if (!spec.inheritEnv()) {
            pb.environment().clear();
        }
        // cutover's own environment may hold this run's secrets (env: sources); the service gets a secret
        // only when the step passes it explicitly under env:
        pb.environment().entrySet().removeIf(e -> dev.cutover.secrets.SecretEnvironment.holdsSecret(e.getKey(), e.getValue())
                || !context.mask(e.getValue()).equals(e.getValue()));
        spec.env().forEach((k, v) -> pb.environment().put(k, v.reveal()));
        Map<String, String> tagged = ChildProcesses.forService(pb.environment(), tag);
        pb.environment().clear();
        pb.environment().putAll(tagged);
        spec.cwd().ifPresent(d -> pb.directory(d.toFile()));
        pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
            if (spec.readyPortFile().isPresent()) {
                Files.deleteIfExists(spec.readyPortFile().get());
            }
        } catch (IOException e) {
            throw new StepFailedException("cannot prepare " + spec.logFile() + ": " + e.getMessage());
        }
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
        long begin = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new StepFailedException("cannot start " + spec.name() + " (" + spec.command().get(0) + "): "
                    + context.mask(String.valueOf(e.getMessage())));
        }
        ChildProcesses.started(process, tag);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pid", process.pid());
        out.put("log_file", spec.logFile().toString());
        try {
            spec.pidFile().write(process.pid());
            awaitReady(spec, process, out);
        } catch (StepFailedException e) {
            killTree(process.toHandle(), Duration.ofSeconds(2));
            ChildProcesses.killTagged(tag);
            spec.pidFile().delete();
            throw new StepFailedException(e.getMessage() + tail(spec.logFile(), context), out, null);
        } catch (InterruptedException e) {
            // the step timed out or was aborted while the service was starting: nothing of it may stay
            ChildProcesses.killTagged(tag);
            try {
                spec.pidFile().delete();
            } catch (StepFailedException ignored) {
                // the pid names a dead process; PidFile.live() treats it as not running
            }
            throw e;
        }
        out.put("ready_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        context.note(spec.name() + " started, pid " + process.pid());
        return out;
    }

    private static void awaitReady(ServiceSpec spec, Process process, Map<String, Object> out)
            throws StepFailedException, InterruptedException {
        long deadline = System.nanoTime() + spec.readyTimeout().toNanos();
        boolean needsSignal = spec.readyUrl().isPresent() || spec.readyPortFile().isPresent();
        long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (true) {
            if (!process.isAlive()) {
                throw new StepFailedException(spec.name() + " exited with code " + process.exitValue()
                        + " before it was ready");
            }
            boolean ready = needsSignal ? portReady(spec, out) && urlReady(spec) : System.nanoTime() > settle;
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new StepFailedException(spec.name() + " was not ready within "
                        + dev.cutover.spi.Durations.format(spec.readyTimeout()) + waitingFor(spec));
            }
            Thread.sleep(100);
        }
    }

    private static String waitingFor(ServiceSpec spec) {
        List<String> what = new ArrayList<>();
        spec.readyPortFile().ifPresent(p -> what.add("port file " + p));
        spec.readyUrl().ifPresent(u -> what.add(u));
        return " (waited for " + String.join(" and ", what) + ")";
    }

    private static boolean portReady(ServiceSpec spec, Map<String, Object> out) {
        if (spec.readyPortFile().isEmpty()) {
            return true;
        }
        try {
            String text = Files.readString(spec.readyPortFile().get(), StandardCharsets.US_ASCII).trim();
            int port = Integer.parseInt(text);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            }
            out.put("port", port);
            return true;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    static boolean urlReady(ServiceSpec spec) {
        if (spec.readyUrl().isEmpty()) {
            return true;
        }
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create(spec.readyUrl().get()).toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(5000);
            c.setRequestProperty("Connection", "close");
            return c.getResponseCode() > 0;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /** Alive and not a zombie (a killed orphan waits for its reaper; it runs no more). */
    private static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return h.isAlive();
        }
    }

    /** Stops the process and its descendants: SIGTERM to all, then SIGKILL to survivors after {@code grace}. */
    static boolean killTree(ProcessHandle root, Duration grace) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        root.descendants().forEach(all::add);
        all.forEach(ProcessHandle::destroy);
        if (awaitExit(all, grace)) {
            return true;
        }
        all.stream().filter(ServiceControl::running).forEach(ProcessHandle::destroyForcibly);
        return awaitExit(all, Duration.ofSeconds(5));
    }

    private static boolean awaitExit(List<ProcessHandle> handles, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (handles.stream().anyMatch(ServiceControl::running)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * Stops the service named by the pid file (SIGTERM to its tree, SIGKILL after the grace period),
     * then whatever else carries the service's tag (daemonized, double-forked children); returns the pid
     * stopped, or empty when nothing was running.
     */
    static Optional<Long> stop(ServiceSpec spec, StepContext context) throws StepFailedException, InterruptedException {
        if (!context.host().isLocal()) {
            return RemoteService.stop(spec, context);
        }
        Optional<ProcessHandle> live = spec.pidFile().live();
        if (live.isEmpty()) {
            spec.pidFile().delete();
            return Optional.empty();
        }
        long pid = live.get().pid();
        Optional<String> tag = ChildProcesses.serviceTag(pid);
        boolean stopped = killTree(live.get(), spec.grace());
        tag.ifPresent(ChildProcesses::killTagged);
        if (!stopped && live.get().isAlive()) {
            throw new StepFailedException(spec.name() + " (pid " + pid + ") survived SIGTERM and SIGKILL; stop it by hand");
        }
        spec.pidFile().delete();
        context.note(spec.name() + " stopped, pid " + pid);
        return Optional.of(pid);
    }

    private static String tail(Path log, StepContext context) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - 15), lines.size());
            return last.isEmpty() ? "; its log " + log + " is empty"
                    : "; last lines of " + log + ":\n  " + context.mask(String.join("\n  ", last));
        } catch (IOException e) {
            return "; see " + log;
        }
    }
}
