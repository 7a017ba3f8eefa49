package dev.cutover.cli;

import dev.cutover.lint.Lint;
import dev.cutover.lint.RunbookLinter;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;

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
                JsonSummary.print(spec.commandLine().getOut(), new ValidationJson.Refused(
                        errors.stream().map(ValidationJson.LintJson::of).toList(), allowedJson()));
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

    List<ValidationJson.LintJson> allowedJson() {
        return all.stream().filter(l -> !errors.contains(l)).map(ValidationJson.LintJson::of).toList();
    }
}
