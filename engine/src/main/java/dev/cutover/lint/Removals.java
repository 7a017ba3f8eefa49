package dev.cutover.lint;

import dev.cutover.runbook.StepDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which paths a {@code shell.exec} step removes ({@code rm}, {@code unlink}, {@code shred}, the
 * sources of {@code mv}), read from its argv or from a {@code sh -c} script, with {@code $NAME}
 * taken from the step's {@code env:}; and which paths an undo needs to exist.
 */
final class Removals {
    private static final Set<String> REMOVERS = Set.of("rm", "unlink", "shred", "rmdir");
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh");
    private static final Set<String> COPIERS = Set.of("cp", "mv", "install", "rsync");
    private static final Pattern SEPARATORS = Pattern.compile("\\s*(?:;|&&|\\|\\||\\||\\n)\\s*");
    private static final Pattern VAR = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");

    private final LintScope scope;

    Removals(LintScope scope) {
        this.scope = scope;
    }

    /** Whether steps of this type run their {@code command} input as a process's argv (trait {@code runs:argv}). */
    private boolean runsArgv(String uses) {
        return scope.type(uses).map(t -> t.traits().contains(dev.cutover.spi.Traits.RUNS_ARGV)).orElse(false);
    }

    /** The paths a step removes; empty for anything but a {@code shell.exec} command that removes files. */
    List<String> removedBy(StepDef s) {
        if (!runsArgv(s.uses())) {
            return List.of();
        }
        List<String> argv = scope.strings(s.with().get("command"));
        List<String> out = new ArrayList<>();
        if (argv.size() >= 3 && SHELLS.contains(base(argv.get(0))) && argv.get(1).equals("-c")) {
            Map<String, String> env = envOf(s);
            for (String cmd : SEPARATORS.split(argv.get(2))) {
                out.addAll(removedByArgv(words(cmd, env)));
            }
        } else {
            out.addAll(removedByArgv(argv));
        }
        return out;
    }

    /** The path-like strings an undo reads: every input string with a '/' except a copy's destination. */
    List<String> neededBy(String uses, Map<String, Object> with) {
        List<String> strings;
        if (runsArgv(uses)) {
            strings = new ArrayList<>(scope.strings(with.get("command")));
            if (strings.size() > 2 && COPIERS.contains(base(strings.get(0)))) {
                strings.remove(strings.size() - 1);
            }
            strings = strings.stream().filter(a -> !a.startsWith("-")).toList();
        } else {
            strings = scope.strings(with);
        }
        return strings.stream().filter(x -> x.contains("/")).distinct().toList();
    }

    /** Whether removing {@code removed} (a path, a directory or a glob) takes {@code needed} with it. */
    static boolean covers(String removed, String needed) {
        String r = removed.endsWith("/") ? removed.substring(0, removed.length() - 1) : removed;
        if (r.isEmpty()) {
            return false;
        }
        if (needed.equals(r) || needed.startsWith(r + "/")) {
            return true;
        }
        if (r.contains("*") || r.contains("?")) {
            StringBuilder re = new StringBuilder();
            for (char c : r.toCharArray()) {
                re.append(c == '*' ? "[^/]*" : c == '?' ? "[^/]" : Pattern.quote(String.valueOf(c)));
            }
            return Pattern.matches(re + "(/.*)?", needed);
        }
        return false;
    }

    private static List<String> removedByArgv(List<String> argv) {
        if (argv.isEmpty()) {
            return List.of();
        }
        String cmd = base(argv.get(0));
        List<String> args = argv.subList(1, argv.size()).stream().filter(a -> !a.startsWith("-")).toList();
        if (REMOVERS.contains(cmd)) {
            return args;
        }
        if (cmd.equals("mv") && args.size() >= 2) {
            return args.subList(0, args.size() - 1);
        }
        return List.of();
    }

    private Map<String, String> envOf(StepDef s) {
        Map<String, String> env = new java.util.HashMap<>();
        if (s.with().get("env") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), scope.resolve(String.valueOf(v))));
        }
        return env;
    }

    /** Splits one shell command into words, dropping quotes and expanding {@code $NAME} from the step's env. */
    private static List<String> words(String command, Map<String, String> env) {
        List<String> out = new ArrayList<>();
        for (String w : command.trim().split("\\s+")) {
            String unquoted = w.replace("\"", "").replace("'", "");
            String expanded = VAR.matcher(unquoted).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                    env.getOrDefault(m.group(1), m.group())));
            if (!expanded.isEmpty()) {
                out.add(expanded);
            }
        }
        return out;
    }

    private static String base(String cmd) {
        return cmd.substring(cmd.lastIndexOf('/') + 1);
    }
}
