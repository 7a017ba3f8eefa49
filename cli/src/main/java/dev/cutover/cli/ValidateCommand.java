package dev.cutover.cli;

import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cutover validate}: checks a runbook and its parameters; runs nothing. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a runbook (schema, step types, inputs, references, rollback plan, change-safety lints) "
                + "and its parameters. Exit 0 when valid, 2 otherwise (docs/lints.md lists the lints).")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    RunbookOptions runbook;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            Prepared p = Prepared.load(runbook, false);
            LintReport lints = LintReport.of(p, runbook.allow);
            if (lints.print(spec, global)) {
                return 2;
            }
            if (global.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("valid", true);
                m.put("runbook", p.runbook().name());
                m.put("sha256", p.runbook().sha256());
                m.put("steps", p.runbook().allSteps().size());
                m.put("allowed_lints", lints.allowedJson());
                if (p.runbook().hasFleet()) {
                    m.put("hosts", FleetRendering.batchesJson(p.runbook(), p.fleet()));
                }
                JsonSummary.print(spec.commandLine().getOut(), m);
            } else {
                spec.commandLine().getOut().println(runbook.runbook + ": valid (" + p.runbook().name() + ", "
                        + p.runbook().preflight().size() + " preflight, " + p.runbook().steps().size() + " steps, "
                        + p.runbook().validate().size() + " validate, " + p.runbook().rollback().size() + " rollback"
                        + (p.runbook().hasFleet() ? ", " + p.runbook().blocks().size() + " hosts block(s)" : "") + ")");
                FleetRendering.printBatches(spec.commandLine().getOut(), p.runbook(), p.fleet());
            }
            return 0;
        } catch (InvalidRunbookException e) {
            return report(spec, global, e);
        }
    }

    /** Prints every problem and returns exit code 2. */
    static int report(CommandSpec spec, GlobalOptions global, InvalidRunbookException e) {
        List<Problem> problems = e.problems();
        if (global.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("valid", false);
            m.put("status", "INVALID");
            m.put("exit_code", 2);
            m.put("problems", problems.stream().map(p -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("file", p.location().file() == null ? null : p.location().file().toString());
                x.put("line", p.location().line());
                x.put("column", p.location().column());
                x.put("step", p.stepId());
                x.put("message", p.message());
                x.put("hint", p.hint());
                return x;
            }).toList());
            JsonSummary.print(spec.commandLine().getOut(), m);
        } else {
            var err = spec.commandLine().getErr();
            err.println(problems.size() == 1 ? "1 problem; nothing was run:" : problems.size()
                    + " problems; nothing was run:");
            for (Problem p : problems) {
                err.println("  " + p.render());
            }
            err.flush();
        }
        return 2;
    }
}
