package dev.cutover.cli;

import dev.cutover.lint.Lint;
import dev.cutover.lint.RunbookLinter;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The change-safety lints of one runbook in one environment, split into errors and the ones
 * {@code --allow} accepted, and how {@code cutover validate} prints them.
 *
 * @param all     every lint found
 * @param errors  the lints not allowed
 * @param unknown {@code --allow} ids that name no lint
 */
record LintReport(List<Lint> all, List<Lint> errors, List<String> unknown) {

    static LintReport of(Prepared p, List<String> allow) {
        List<Lint> all = new RunbookLinter(p.registry()).lint(p.runbook(), p.params(), p.environment());
        return new LintReport(all, all.stream().filter(l -> !allow.contains(l.id())).toList(),
                allow.stream().filter(a -> !RunbookLinter.LINTS.containsKey(a)).distinct().toList());
    }

    /** Prints the lints; returns true when validation fails because of them (exit 2). */
    boolean print(CommandSpec spec, GlobalOptions global) {
        PrintWriter err = spec.commandLine().getErr();
        if (!unknown.isEmpty()) {
            err.println("cutover " + spec.name() + ": --allow names no lint: " + String.join(", ", unknown) + "; the lints are "
                    + String.join(", ", RunbookLinter.LINTS.keySet()));
            return true;
        }
        if (global.json()) {
            if (!errors.isEmpty()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("valid", false);
                m.put("status", "INVALID");
                m.put("exit_code", 2);
                m.put("lints", errors.stream().map(LintReport::json).toList());
                m.put("allowed_lints", allowedJson());
                JsonSummary.print(spec.commandLine().getOut(), m);
            }
            return !errors.isEmpty();
        }
        if (!errors.isEmpty()) {
            err.println(errors.size() == 1 ? "1 change-safety lint; nothing was run:" : errors.size()
                    + " change-safety lints; nothing was run:");
        }
        for (Lint l : all) {
            err.println("  " + (errors.contains(l) ? "" : "allowed: ") + l.render());
        }
        if (!errors.isEmpty()) {
            err.println("Fix the runbook, or accept a lint with --allow ID (docs/lints.md explains each one).");
        }
        err.flush();
        return !errors.isEmpty();
    }

    List<Map<String, Object>> allowedJson() {
        return all.stream().filter(l -> !errors.contains(l)).map(LintReport::json).toList();
    }

    private static Map<String, Object> json(Lint l) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("id", l.id());
        x.put("file", l.location().file() == null ? null : l.location().file().toString());
        x.put("line", l.location().line());
        x.put("column", l.location().column());
        x.put("steps", l.stepIds());
        x.put("risk", l.risk());
        x.put("fix", l.fix());
        return x;
    }
}
