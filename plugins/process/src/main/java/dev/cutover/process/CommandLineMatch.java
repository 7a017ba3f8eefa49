package dev.cutover.process;

import dev.cutover.spi.Host;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Finds a running service by its command line ({@code match:}), for a service that has no pid file (started by
 * hand, by an init script) or whose pid file is stale: on this machine from the process table, on a fleet host
 * from its {@code /proc}. The pattern is a Java regular expression found anywhere in the command line (argv
 * joined by spaces); cutover's own processes (those carrying a step tag) never match. More than one match is
 * refused: a restart must not guess which process is the service.
 */
final class CommandLineMatch {
    /** Prints "pid command line" for every process not carrying a cutover step tag. */
    private static final String LIST = String.join("\n",
            "for d in /proc/[0-9]*; do",
            "  p=${d#/proc/}",
            "  [ \"$p\" = \"$$\" ] && continue",
            "  grep -qz '^" + dev.cutover.spi.ChildProcesses.TAG_VARIABLE + "=' $d/environ 2>/dev/null && continue",
            "  c=$(tr '\\0' ' ' < $d/cmdline 2>/dev/null)",
            "  [ -n \"$c\" ] && printf '%s %s\\n' \"$p\" \"$c\"",
            "done");

    private CommandLineMatch() {
    }

    static Pattern pattern(String text) throws StepFailedException {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new StepFailedException("input 'match': '" + text + "' is not a valid regular expression: "
                    + e.getDescription());
        }
    }

    /** The one process whose command line matches, or empty; more than one is refused with what matched. */
    static Optional<Long> find(StepContext context, String name, Pattern pattern) throws StepFailedException {
        Map<Long, String> found = new LinkedHashMap<>();
        processes(context).forEach((pid, line) -> {
            if (pattern.matcher(line).find()) {
                found.put(pid, line);
            }
        });
        if (found.size() > 1) {
            List<String> lines = new ArrayList<>();
            found.forEach((pid, line) -> lines.add(pid + "  " + context.mask(line.length() > 160
                    ? line.substring(0, 157) + "..." : line)));
            throw new StepFailedException(found.size() + " processes" + where(context) + " match '" + pattern
                    + "', so cutover cannot tell which one is " + name + "; make 'match' narrower, or give the "
                    + "service a pid file:\n  " + String.join("\n  ", lines));
        }
        return found.keySet().stream().findFirst();
    }

    private static String where(StepContext context) {
        return context.host().isLocal() ? "" : " on " + context.host().name();
    }

    private static Map<Long, String> processes(StepContext context) throws StepFailedException {
        Map<Long, String> out = new LinkedHashMap<>();
        Host host = context.host();
        if (host.isLocal()) {
            long self = ProcessHandle.current().pid();
            ProcessHandle.allProcesses().filter(p -> p.pid() != self && !mine(p)).forEach(p ->
                    p.info().commandLine().ifPresent(line -> out.put(p.pid(), line)));
            return out;
        }
        try {
            Host.Exec e = host.run(new Host.Command(List.of("/bin/sh", "-c", LIST), null, null,
                    Duration.ofSeconds(30), context.processTag(), null));
            for (String line : e.stdoutText().split("\n")) {
                int space = line.indexOf(' ');
                if (space > 0 && line.substring(0, space).matches("\\d+")) {
                    out.put(Long.parseLong(line.substring(0, space)), line.substring(space + 1).strip());
                }
            }
            return out;
        } catch (IOException e) {
            throw new StepFailedException("cannot list the processes on " + host.name() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailedException("interrupted while listing the processes on " + host.name());
        }
    }

    /** A process of a cutover step (its environment carries a step tag), which is never the service. */
    private static boolean mine(ProcessHandle p) {
        try {
            byte[] env = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", Long.toString(p.pid()), "environ"));
            String text = "\0" + new String(env, java.nio.charset.StandardCharsets.UTF_8);
            return text.contains("\0" + dev.cutover.spi.ChildProcesses.TAG_VARIABLE + "=");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
