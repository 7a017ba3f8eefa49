package dev.cutover.lint;

import dev.cutover.runbook.Reference;
import dev.cutover.runbook.StepDef;
import dev.cutover.runbook.UndoDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code shell-interpolation}: a {@code ${params.*}}, {@code ${env.*}} or {@code ${steps.*}} value
 * pasted into text that a shell (or another interpreter) parses: the script of {@code sh -c},
 * {@code bash -c} and the like (also after {@code sudo}, {@code env} or {@code ssh}), the code of
 * {@code python -c}, {@code perl -e}, {@code node -e}, a remote command for {@code ssh}, and the
 * {@code commands} of {@code aws.ssm.run-command}. A value such as {@code 1; touch X} then runs as
 * code. The safe form passes the value through the step's {@code env:} and quotes the variable.
 */
final class ShellInterpolationLint {
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "fish",
            "busybox");
    private static final Set<String> CODE_FLAG_E = Set.of("perl", "ruby", "node", "nodejs", "osascript");
    private static final Set<String> KINDS = Set.of("params", "env", "steps", "host");

    private final LintScope scope;

    ShellInterpolationLint(LintScope scope) {
        this.scope = scope;
    }

    List<Lint> check() {
        List<Lint> out = new ArrayList<>();
        for (StepDef s : scope.runbook().allSteps()) {
            Optional<String> risk = interpolated(s.uses(), s.with());
            if (risk.isEmpty() && s.undo() != null) {
                risk = interpolated(s.undo().uses(), s.undo().with()).map(r -> "in its undo, " + r);
            }
            UndoDef probe = s.probe();
            if (risk.isEmpty() && probe != null) {
                risk = interpolated(probe.uses(), probe.with()).map(r -> "in its probe, " + r);
            }
            if (risk.isEmpty() && "wait.until".equals(s.uses()) && s.with().get("uses") instanceof String inner
                    && s.with().get("with") instanceof Map<?, ?> innerWith) {
                risk = interpolated(inner, cast(innerWith)).map(r -> "in the check it polls, " + r);
            }
            risk.ifPresent(r -> out.add(new Lint(RunbookLinter.SHELL_INTERPOLATION, s.location(), List.of(s.id()), r,
                    "pass the value through env: and quote the variable in the script, e.g. command: [sh, -c, "
                            + "'systemctl restart \"$SERVICE\"'] with env: { SERVICE: \"${params.service}\" }")));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** The risk sentence when a reference reaches code an interpreter parses; empty when none does. */
    Optional<String> interpolated(String uses, Map<String, Object> with) {
        if (scope.type(uses).map(t -> t.traits().contains(dev.cutover.spi.Traits.RUNS_SHELL_COMMANDS)).orElse(false)) {
            for (String c : strings(with.get("commands"))) {
                Optional<String> ref = firstReference(c);
                if (ref.isPresent()) {
                    return Optional.of(risk(ref.get(), "the commands that the instance's shell runs"));
                }
            }
            return Optional.empty();
        }
        if (!(with.get("command") instanceof List<?> argv)) {
            return Optional.empty();
        }
        List<String> args = argv.stream().map(String::valueOf).toList();
        for (int i = 0; i < args.size(); i++) {
            String name = basename(args.get(i));
            if (SHELLS.contains(name) || name.startsWith("python") || CODE_FLAG_E.contains(name)) {
                String flag = SHELLS.contains(name) || name.startsWith("python") ? "c" : "e";
                int code = codeArgument(args, i + 1, flag);
                if (code >= 0) {
                    Optional<String> ref = firstReference(args.get(code));
                    if (ref.isPresent()) {
                        return Optional.of(risk(ref.get(), "the script that " + name + " -" + flag + " parses"));
                    }
                }
            } else if (name.equals("ssh")) {
                for (int j = remoteCommand(args, i + 1); j >= 0 && j < args.size(); j++) {
                    Optional<String> ref = firstReference(args.get(j));
                    if (ref.isPresent()) {
                        return Optional.of(risk(ref.get(), "the command that the remote shell parses"));
                    }
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String risk(String ref, String where) {
        return "${" + ref + "} is pasted into " + where + ", so a value such as '1; touch X' runs as code";
    }

    /**
     * The index of the code argument after an interpreter: the first non-option argument once an
     * option cluster containing {@code flag} ({@code -c}, {@code -ec}, {@code -xc}) has been seen; -1 if none.
     */
    private static int codeArgument(List<String> args, int from, String flag) {
        boolean seen = false;
        for (int j = from; j < args.size(); j++) {
            String a = args.get(j);
            if (a.equals("-o") || a.equals("+o") || a.equals("-O") || a.equals("+O")) {
                j++;
                continue;
            }
            if (a.startsWith("-") && a.length() > 1 && !a.startsWith("--")) {
                seen |= a.substring(1).contains(flag);
                continue;
            }
            if (a.startsWith("--")) {
                seen |= a.equals("--eval") || a.equals("--command");
                continue;
            }
            return seen ? j : -1;
        }
        return -1;
    }

    /** The index of the first argument of ssh's remote command (after its options and the host), or -1. */
    private static int remoteCommand(List<String> args, int from) {
        for (int j = from; j < args.size(); j++) {
            String a = args.get(j);
            if (a.startsWith("-")) {
                if (a.length() == 2 && "bcDEeFIiJLlmOopQRSWw".indexOf(a.charAt(1)) >= 0) {
                    j++; // an option with a value
                }
                continue;
            }
            return j + 1;
        }
        return -1;
    }

    private static Optional<String> firstReference(String s) {
        for (Reference r : Reference.findAll(s)) {
            if (KINDS.contains(r.kind())) {
                return Optional.of(r.text());
            }
        }
        return Optional.empty();
    }

    private static String basename(String s) {
        int slash = s.lastIndexOf('/');
        return slash < 0 ? s : s.substring(slash + 1);
    }

    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            out.add(s);
        } else if (v instanceof List<?> l) {
            l.forEach(x -> out.addAll(strings(x)));
        }
        return out;
    }
}
