package dev.cutover.ssh;

import dev.cutover.spi.ChildProcesses;
import dev.cutover.spi.Host;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The command lines cutover sends to a remote host's login shell. A command line carries only what
 * may be seen in {@code ps}: the argv (quoted for a POSIX shell), the working directory and the process
 * tag. Environment variables, secrets included, travel on the command's standard input ahead of its own
 * input ({@link #preamble}) and are exported by the wrapper before it starts the command.
 *
 * <p>The wrapper starts the command with {@code setsid} in a session (and process group) of its own,
 * waits for it, then kills what the command left running in that group: no process outlives its
 * command. On a timeout or interrupt cutover sends {@link #kill} on a second channel, which kills every
 * process carrying the tag, with their sessions and process groups.
 */
final class RemoteShell {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Reads the exported environment from stdin, changes directory, runs "$@" in its own session, cleans up. */
    private static final String WRAPPER = String.join("\n",
            "d=$1; shift",
            "IFS= read -r n || n=0",
            "e=; while [ \"$n\" -gt 0 ]; do IFS= read -r l; e=\"$e$l",
            "\"; n=$((n-1)); done",
            "eval \"$e\"; unset e l n",
            "if [ -n \"$d\" ]; then cd -- \"$d\" || exit 1; fi",
            "exec 3<&0",
            "if command -v setsid >/dev/null 2>&1; then setsid \"$@\" <&3 3<&- & else \"$@\" <&3 3<&- & fi",
            "c=$!; exec 3<&- 0</dev/null",
            "wait \"$c\"; r=$?",
            "kill -KILL -\"$c\" 2>/dev/null",
            "exit $r");

    private RemoteShell() {
    }

    /** The command line for {@code argv}: only argv, directory and tag, never an environment value. */
    static String commandLine(List<String> argv, String directory, String tag) {
        StringBuilder sb = new StringBuilder("exec env ").append(ChildProcesses.TAG_VARIABLE).append('=')
                .append(quote(tag)).append(" /bin/sh -c ").append(quote(WRAPPER)).append(" cutover ")
                .append(quote(directory == null ? "" : directory));
        for (String a : argv) {
            sb.append(' ').append(quote(a));
        }
        return sb.toString();
    }

    /** What goes on stdin ahead of the command's own input: a line count, then {@code export K='v'} lines. */
    static byte[] preamble(Map<String, String> environment) {
        String script = exports(environment);
        long lines = script.chars().filter(c -> c == '\n').count();
        return (lines + "\n" + script).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code export K='v'} lines for a shell to evaluate (a value may span lines inside its quotes). */
    static String exports(Map<String, String> environment) {
        StringBuilder script = new StringBuilder();
        environment.forEach((k, v) -> {
            if (!NAME.matcher(k).matches()) {
                throw new IllegalArgumentException("'" + k + "' is not a valid environment variable name");
            }
            script.append("export ").append(k).append('=').append(quote(v)).append('\n');
        });
        return script.toString();
    }

    /**
     * A script that SIGKILLs every process whose environment carries {@code tag}, and their process groups
     * and sessions, scanning again until none is left (at most about 10 s).
     */
    static String kill(String tag) {
        String re = "^" + ChildProcesses.TAG_VARIABLE + "=(.* )?" + regex(tag) + "( .*)?$";
        String script = String.join("\n",
                "i=0",
                // never this script's own group or session, nor those of what started it (a host that runs
                // commands without a session of their own, like an embedded server, shares them)
                "set -- $(sed 's/^.*) //' /proc/$$/stat); mg=$3; ms=$4",
                "set -- $(sed 's/^.*) //' /proc/$PPID/stat 2>/dev/null); pg=$3; ps=$4",
                "ok() { [ -n \"$1\" ] && [ \"$1\" != 0 ] && [ \"$1\" != 1 ] && [ \"$1\" != \"$mg\" ] && [ \"$1\" != \"$ms\" ]"
                        + " && [ \"$1\" != \"$pg\" ] && [ \"$1\" != \"$ps\" ]; }",
                "while :; do",
                "  p=$(grep -lzE " + quote(re) + " /proc/[0-9]*/environ 2>/dev/null | sed 's,^/proc/,,;s,/environ$,,')",
                "  [ -n \"$p\" ] || exit 0",
                "  for x in $p; do",
                "    [ \"$x\" = \"$$\" ] && continue",
                "    set -- $(sed 's/^.*) //' /proc/$x/stat 2>/dev/null)",
                "    g=$3; s=$4",
                "    ok \"$g\" && kill -KILL -\"$g\" 2>/dev/null",
                "    ok \"$s\" && kill -KILL -\"$s\" 2>/dev/null",
                "    kill -KILL \"$x\" 2>/dev/null",
                "  done",
                "  i=$((i+1)); [ $i -gt 200 ] && exit 1",
                "  sleep 0.05 2>/dev/null || sleep 1",
                "done");
        return "/bin/sh -c " + quote(script);
    }

    /** A word for a POSIX shell: single-quoted, a single quote written as {@code '\''}. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String regex(String literal) {
        StringBuilder sb = new StringBuilder();
        for (char c : literal.toCharArray()) {
            if ("\\.[]()*+?{}|^$".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** The exit code of a command a signal killed, as a local shell reports it (128 + the signal's number). */
    static int signalExit(String signal) {
        int n = switch (signal == null ? "" : signal.replaceFirst("^SIG", "")) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "ILL" -> 4;
            case "ABRT" -> 6;
            case "FPE" -> 8;
            case "KILL" -> 9;
            case "SEGV" -> 11;
            case "PIPE" -> 13;
            case "ALRM" -> 14;
            case "TERM" -> 15;
            case "USR1" -> 10;
            case "USR2" -> 12;
            default -> -1;
        };
        return n < 0 ? -1 : 128 + n;
    }

    /** A fresh tag for a command run without one, so a timeout can still find its processes. */
    static String tagOf(Host.Command command) {
        return command.tag() != null ? command.tag() : "cutover-" + java.util.UUID.randomUUID();
    }
}
