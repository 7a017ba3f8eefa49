package dev.cutover.process;

import dev.cutover.spi.ChildProcesses;
import dev.cutover.spi.Host;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The service steps on a fleet host ({@link StepContext#host()} not this machine): the same pid-file rules
 * and the same stop discipline, done by small POSIX shell scripts run through the host (no agent, no Java on
 * it). The service runs in a session of its own ({@code setsid}), its output appended to its log file on the
 * host, its environment (secrets included) handed over on the command's stdin by the host's transport.
 */
final class RemoteService {
    /** Prints the pid a pid file names when that process is alive and started no later than the file was written. */
    private static final String LIVE = String.join("\n",
            "f=$1",
            "[ -f \"$f\" ] || exit 3",
            "pid=$(tr -dc 0-9 < \"$f\")",
            "[ -n \"$pid\" ] || { echo \"pid file $f does not hold a process id\" >&2; exit 4; }",
            "[ -r /proc/$pid/stat ] || exit 3",
            "set -- $(sed 's/^.*) //' /proc/$pid/stat)",
            "[ \"$1\" = Z ] && exit 3",
            "bt=$(awk '/^btime/ {print $2}' /proc/stat); hz=$(getconf CLK_TCK 2>/dev/null || echo 100)",
            "started=$((bt + ${20} / hz)); written=$(stat -c %Y \"$f\")",
            "[ \"$started\" -le $((written + 2)) ] || exit 3",
            "echo \"$pid\"");

    /** Starts "$@" in a session of its own, output appended to the log, and prints its pid. */
    private static final String START = String.join("\n",
            "log=$1; dir=$2; shift 2",
            "[ -z \"$dir\" ] || cd -- \"$dir\" || exit 1",
            "mkdir -p -- \"$(dirname -- \"$log\")\" || exit 1",
            "unset " + ChildProcesses.TAG_VARIABLE,
            "setsid \"$@\" >>\"$log\" 2>&1 </dev/null &",
            "pid=$!",
            // the host kills what is left in this script's group when it exits: wait until the service has its own
            "i=0; while [ $i -lt 500 ]; do set -- $(sed 's/^.*) //' /proc/$pid/stat 2>/dev/null)",
            "  { [ -z \"$4\" ] || [ \"$4\" != \"$$\" ]; } && break; sleep 0.01; i=$((i+1)); done",
            "echo $pid");

    /** SIGTERM to the process and its descendants (and what carries its service tag), SIGKILL after the grace. */
    private static final String STOP = String.join("\n",
            "pid=$1; grace=$2; tag=$3",
            "kids() { for c in $(cat /proc/$1/task/*/children 2>/dev/null); do echo \"$c\"; kids \"$c\"; done; }",
            "tagged() { [ -n \"$tag\" ] && grep -lzF \"" + ChildProcesses.SERVICE_TAG_VARIABLE
                    + "=$tag\" /proc/[0-9]*/environ 2>/dev/null | sed 's,^/proc/,,;s,/environ$,,'; }",
            "all=\"$pid $(kids $pid) $(tagged)\"",
            "kill -TERM $all 2>/dev/null",
            "alive() { for p in $all; do [ -r /proc/$p/stat ] || continue; set -- $(sed 's/^.*) //' /proc/$p/stat);"
                    + " [ \"$1\" = Z ] || return 0; done; return 1; }",
            "i=0; while alive && [ $i -lt $((grace * 20)) ]; do sleep 0.05; i=$((i+1)); done",
            "alive || exit 0",
            "kill -KILL $all 2>/dev/null; sleep 0.2",
            "alive && exit 5",
            "exit 0");

    /**
     * For the process and each of its descendants: lines {@code P pid}, {@code E executable}, {@code D working
     * directory}, {@code A argv (NUL-separated, base64)}; for the process itself {@code S start (epoch seconds)}.
     */
    private static final String PROCESSES = String.join("\n",
            "pid=$1",
            "kids() { for c in $(cat /proc/$1/task/*/children 2>/dev/null); do echo \"$c\"; kids \"$c\"; done; }",
            "bt=$(awk '/^btime/ {print $2}' /proc/stat); hz=$(getconf CLK_TCK 2>/dev/null || echo 100)",
            "for p in $pid $(kids $pid); do",
            "  [ -r /proc/$p/cmdline ] || continue",
            "  printf 'P %s\\n' \"$p\"",
            "  printf 'E %s\\n' \"$(readlink /proc/$p/exe 2>/dev/null)\"",
            "  printf 'D %s\\n' \"$(readlink /proc/$p/cwd 2>/dev/null)\"",
            "  printf 'A %s\\n' \"$(base64 < /proc/$p/cmdline | tr -d '\\n')\"",
            "  if [ \"$p\" = \"$pid\" ]; then set -- $(sed 's/^.*) //' /proc/$p/stat 2>/dev/null);"
                    + " [ -n \"${20}\" ] && printf 'S %s\\n' $((bt + ${20} / hz)); fi",
            "done",
            "exit 0");

    /** A process on a fleet host, as {@code /proc} shows it. */
    record HostProcess(long pid, String executable, String cwd, List<String> arguments, Long startedEpochSeconds) {
        /** What it was started as: its executable when readable, else its argv[0]. */
        String command() {
            return executable.isEmpty() ? arguments.get(0) : executable;
        }

        /** Its arguments after argv[0]. */
        List<String> args() {
            return arguments.subList(1, arguments.size());
        }
    }

    /** The process {@code pid} on the host and its descendants (the process first); argv[0] included. */
    static List<HostProcess> processes(StepContext context, long pid) throws StepFailedException, InterruptedException {
        Host.Exec e = sh(context, PROCESSES, List.of(Long.toString(pid)), Map.of(), Duration.ofSeconds(30));
        if (e.exitCode() != 0) {
            throw new StepFailedException("cannot read process " + pid + " on " + context.host().name() + ": "
                    + context.mask(e.stderrText().strip()));
        }
        List<HostProcess> out = new ArrayList<>();
        long p = -1;
        String exe = "";
        String cwd = "";
        List<String> argv = List.of();
        Long started = null;
        for (String line : (e.stdoutText() + "P -1\n").split("\n")) {
            if (line.length() < 2) {
                continue;
            }
            String v = line.substring(2);
            switch (line.charAt(0)) {
                case 'P' -> {
                    if (p >= 0 && !argv.isEmpty()) {
                        out.add(new HostProcess(p, exe, cwd, argv, started));
                    }
                    p = Long.parseLong(v.trim());
                    exe = "";
                    cwd = "";
                    argv = List.of();
                    started = null;
                }
                case 'E' -> exe = v;
                case 'D' -> cwd = v;
                case 'A' -> argv = argv(java.util.Base64.getDecoder().decode(v.trim()));
                case 'S' -> started = Long.parseLong(v.trim());
                default -> {
                    // not ours
                }
            }
        }
        return out;
    }

    private static List<String> argv(byte[] nulSeparated) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < nulSeparated.length; i++) {
            if (nulSeparated[i] == 0) {
                out.add(new String(nulSeparated, from, i - from, StandardCharsets.UTF_8));
                from = i + 1;
            }
        }
        if (from < nulSeparated.length) {
            out.add(new String(nulSeparated, from, nulSeparated.length - from, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The canonical paths of {@code paths} on the host ({@code readlink -f}; a path that does not resolve, as given). */
    static List<String> canonical(StepContext context, List<String> paths) throws StepFailedException,
            InterruptedException {
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            Host.Exec e = sh(context, "readlink -f -- \"$1\" || printf '%s\\n' \"$1\"", List.of(p), Map.of(),
                    Duration.ofSeconds(30));
            String r = e.stdoutText().strip();
            out.add(e.exitCode() == 0 && !r.isEmpty() ? r : p);
        }
        return out;
    }

    private RemoteService() {
    }

    private static Host.Exec sh(StepContext context, String script, List<String> args, Map<String, String> env,
                                Duration timeout) throws StepFailedException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script, "cutover"));
        argv.addAll(args);
        try {
            return context.host().run(new Host.Command(argv, null, env, timeout, context.processTag(), null));
        } catch (IOException e) {
            throw new StepFailedException("cannot reach " + context.host().name() + ": " + e.getMessage());
        }
    }

    /** The live pid the pid file names on the host, or empty. */
    static Optional<Long> live(StepContext context, PidFile pidFile) throws StepFailedException {
        try {
            Host.Exec e = sh(context, LIVE, List.of(pidFile.path().toString()), Map.of(), Duration.ofSeconds(30));
            if (e.exitCode() == 0) {
                return Optional.of(Long.parseLong(e.stdoutText().trim()));
            }
            if (e.exitCode() == 4) {
                throw new StepFailedException(e.stderrText().strip() + " on " + context.host().name());
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailedException("interrupted while reading " + pidFile.path() + " on " + context.host().name());
        }
    }

    /** Starts the service on the host, writes its pid file there, and waits until it is ready. */
    static Map<String, Object> start(ServiceSpec spec, StepContext context) throws StepFailedException,
            InterruptedException {
        String tag = context.processTag();
        Map<String, String> env = new LinkedHashMap<>();
        spec.env().forEach((k, v) -> env.put(k, v.reveal()));
        env.put(ChildProcesses.SERVICE_TAG_VARIABLE, tag);
        List<String> args = new ArrayList<>(List.of(spec.logFile().toString(), spec.cwd().map(Object::toString).orElse("")));
        args.addAll(spec.command());
        long begin = System.nanoTime();
        Host.Exec e = sh(context, START, args, env, Duration.ofSeconds(30));
        String where = " on " + context.host().name();
        if (e.exitCode() != 0 || !e.stdoutText().trim().matches("\\d+")) {
            throw new StepFailedException("cannot start " + spec.name() + where + ": " + context.mask(e.stderrText().strip()));
        }
        long pid = Long.parseLong(e.stdoutText().trim());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pid", pid);
        out.put("log_file", spec.logFile().toString());
        try {
            context.host().replace(spec.pidFile().path().toString(), (pid + "\n").getBytes(StandardCharsets.US_ASCII),
                    PosixFilePermissions.fromString("rw-r--r--"));
            awaitReady(spec, context, pid, out);
        } catch (IOException | StepFailedException x) {
            stop(context, pid, Duration.ofSeconds(2), tag);
            throw new StepFailedException(spec.name() + where + ": " + context.mask(String.valueOf(x.getMessage()))
                    + tail(spec, context), out, null);
        } catch (InterruptedException x) {
            stop(context, pid, Duration.ofSeconds(2), tag);
            throw x;
        }
        out.put("ready_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        context.note(spec.name() + " started" + where + ", pid " + pid);
        return out;
    }

    private static void awaitReady(ServiceSpec spec, StepContext context, long pid, Map<String, Object> out)
            throws StepFailedException, InterruptedException {
        long deadline = System.nanoTime() + spec.readyTimeout().toNanos();
        long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (true) {
            if (!alive(context, pid)) {
                throw new StepFailedException("exited before it was ready");
            }
            boolean ready = spec.readyUrl().isPresent() ? ServiceControl.urlReady(spec)
                    : spec.readyPortFile().isPresent() ? portWritten(spec, context, out) : System.nanoTime() > settle;
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new StepFailedException("was not ready within " + dev.cutover.spi.Durations.format(
                        spec.readyTimeout()));
            }
            Thread.sleep(100);
        }
    }

    /** Whether the process runs on the host (exists and is not a zombie). */
    private static boolean alive(StepContext context, long pid) throws StepFailedException, InterruptedException {
        return sh(context, "[ -r /proc/$1/stat ] || exit 1; set -- $(sed 's/^.*) //' /proc/$1/stat); [ \"$1\" != Z ]",
                List.of(Long.toString(pid)), Map.of(), Duration.ofSeconds(30)).exitCode() == 0;
    }

    private static boolean portWritten(ServiceSpec spec, StepContext context, Map<String, Object> out) {
        try {
            String text = new String(context.host().read(spec.readyPortFile().get().toString()),
                    StandardCharsets.US_ASCII).trim();
            out.put("port", Integer.parseInt(text));
            return true;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}, to the process, its descendants and its service tag on the host. */
    static void stop(StepContext context, long pid, Duration grace, String tag) throws StepFailedException,
            InterruptedException {
        Host.Exec e = sh(context, STOP, List.of(Long.toString(pid), Long.toString(Math.max(1, grace.toSeconds())),
                tag == null ? "" : tag), Map.of(), grace.plusSeconds(30));
        if (e.exitCode() != 0) {
            throw new StepFailedException("pid " + pid + " on " + context.host().name()
                    + " survived SIGTERM and SIGKILL; stop it by hand");
        }
    }

    /** Stops the service the pid file names on the host; returns its pid, or empty when it was not running. */
    static Optional<Long> stop(ServiceSpec spec, StepContext context) throws StepFailedException, InterruptedException {
        Optional<Long> live = live(context, spec.pidFile());
        if (live.isPresent()) {
            String tag = serviceTag(context, live.get());
            stop(context, live.get(), spec.grace(), tag);
            context.note(spec.name() + " stopped on " + context.host().name() + ", pid " + live.get());
        }
        try {
            context.host().delete(spec.pidFile().path().toString());
        } catch (IOException e) {
            throw new StepFailedException("cannot delete pid file " + spec.pidFile().path() + " on "
                    + context.host().name() + ": " + e.getMessage());
        }
        return live;
    }

    private static String serviceTag(StepContext context, long pid) throws StepFailedException, InterruptedException {
        Host.Exec e = sh(context, "tr '\\0' '\\n' < /proc/$1/environ 2>/dev/null | sed -n 's/^"
                + ChildProcesses.SERVICE_TAG_VARIABLE + "=//p'", List.of(Long.toString(pid)), Map.of(),
                Duration.ofSeconds(30));
        String tags = e.stdoutText().trim();
        return tags.isEmpty() ? null : tags.substring(tags.lastIndexOf(' ') + 1);
    }

    private static String tail(ServiceSpec spec, StepContext context) {
        try {
            String text = new String(context.host().read(spec.logFile().toString()), StandardCharsets.UTF_8);
            String[] lines = text.split("\n");
            List<String> last = List.of(lines).subList(Math.max(0, lines.length - 15), lines.length);
            return text.isBlank() ? "; its log " + spec.logFile() + " is empty"
                    : "; last lines of " + spec.logFile() + ":\n  " + context.mask(String.join("\n  ", last));
        } catch (IOException e) {
            return "; see " + spec.logFile() + " on " + context.host().name() + " (" + e.getMessage() + ")";
        }
    }
}
