package dev.cutover.cli;

import dev.cutover.drift.Baseline;
import dev.cutover.drift.DriftComparer;
import dev.cutover.drift.DriftReport;
import dev.cutover.drift.EnvironmentFacts;
import dev.cutover.drift.FactGatherer;
import dev.cutover.drift.StepFact;
import dev.cutover.plugin.SecretSourceRegistry;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.run.Engine;
import dev.cutover.run.RunListener;
import dev.cutover.run.RunOptions;
import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.ParamResolver;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import dev.cutover.secrets.Masker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cutover drift}: gathers a runbook's read-only facts in several environments and compares them. */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"Run the runbook's read-only facts (every preflight step and every 'fact: true' step, in plan "
                + "mode: nothing changes) in each environment and show what differs.",
                "Exit 0 when the environments match, 1 when they differ, 2 invalid input, 3 when facts could not be "
                        + "gathered (the environment and step are named), 5 state directory unusable."})
final class DriftCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUNBOOK", description = "The runbook YAML file.")
    Path runbook;

    @Option(names = "--env", paramLabel = "NAME",
            description = "An environment to compare: environments/NAME.yaml beside the runbook (repeat).")
    List<String> envs = new ArrayList<>();

    @Option(names = "--env-file", paramLabel = "FILE", description = "An environment file to compare (repeat).")
    List<Path> envFiles = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one parameter in every environment.")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--ignore", paramLabel = "KEY-PATTERN",
            description = "Ignore facts whose key matches this glob (* matches anything), e.g. '*.host' (repeat).")
    List<String> ignores = new ArrayList<>();

    @Option(names = "--no-default-ignore",
            description = "Also compare timings, days left and file paths (ignored by default: "
                    + "*_ms, *.days_left, *.store, *.file, *.pid, *.started).")
    boolean noDefaultIgnore;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "Compare the environments with the facts saved in FILE.")
    Path baseline;

    @Option(names = "--save", description = "With --baseline and one --env: save that environment's facts to FILE.")
    boolean save;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    /** One environment to gather facts in. */
    private record Target(String label, Path file) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Target> targets = targets();
        String usage = checkCount(targets.size());
        if (usage != null) {
            throw new ExitException.InvalidInput("cutover drift: " + usage);
        }
        Masker masker = new Masker();
        StepTypeRegistry registry = StepTypeRegistry.load(global.plugins());
        Runbook rb;
        List<Map<String, Object>> params = new ArrayList<>();
        try {
            rb = new RunbookLoader(registry).load(runbook);
        } catch (InvalidRunbookException e) {
            return ValidateCommand.report(spec, global, e);
        }
        for (Target t : targets) {
            try {
                ParamResolver.EnvironmentFile env = ParamResolver.readEnvironment(t.file());
                params.add(new ParamResolver(global.environment(), masker, true)
                        .withSecretSources(() -> SecretSourceRegistry.load(global.plugins())).resolve(rb, env, sets));
            } catch (InvalidRunbookException e) {
                err.println("cutover drift: environment '" + t.label() + "' (" + t.file() + ") is not usable:");
                return ValidateCommand.report(spec, global, e);
            }
        }
        FactGatherer gatherer = new FactGatherer(registry);
        if (gatherer.factSteps(rb).isEmpty()) {
            throw new ExitException.InvalidInput(
                    "cutover drift: " + runbook + " has no facts to compare: add read-only preflight steps or mark "
                    + "read-only steps 'fact: true'");
        }
        try {
            Engine.checkStateDirectory(global.stateDirectory());
        } catch (IOException e) {
            throw new ExitException.Refused(
                    "cutover drift: the state directory " + global.stateDirectory() + " is not writable ("
                    + e.getMessage() + "); nothing was run. Use --state-dir.");
        }
        List<EnvironmentFacts> facts = new ArrayList<>();
        if (baseline != null && !save) {
            try {
                facts.add(Baseline.read(baseline));
            } catch (IOException e) {
                throw new ExitException.InvalidInput("cutover drift: cannot use the baseline: " + e.getMessage());
            }
        }
        PrintWriter progress = global.json() ? err : out;
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            RunOptions options = RunOptions.builder(global.stateDirectory()).dryRun(true).environment(t.label())
                    .environmentVariables(global.environment()).build();
            try {
                EnvironmentFacts f = gatherer.gather(t.label(), rb, params.get(i), options, masker, RunListener.NONE);
                long failed = f.steps().values().stream().filter(s -> StepFact.FAILED.equals(s.status())).count();
                progress.println("gathered " + f.steps().size() + " fact step(s) in " + t.label() + " (" + f.source()
                        + (failed == 0 ? "" : ", " + failed + " failed") + ")");
                progress.flush();
                facts.add(f);
            } catch (IOException e) {
                throw new ExitException.Refused(
                        "cutover drift: cannot create the journal for " + t.label() + ": " + e.getMessage());
            }
        }
        if (save) {
            return saveBaseline(rb, facts.get(0), out, err);
        }
        DriftReport report = new DriftComparer(ignorePatterns()).compare(facts);
        DriftRendering.print(report, rb, global.json(), out, err, masker);
        return report.exitCode();
    }

    private int saveBaseline(Runbook rb, EnvironmentFacts f, PrintWriter out, PrintWriter err) {
        if (!f.gaps().isEmpty()) {
            f.gaps().forEach(g -> err.println("cutover drift: could not gather facts in " + f.name() + ": step '"
                    + g.stepId() + "' failed: " + dev.cutover.report.Printable.text(g.message())));
            err.println("cutover drift: the baseline was not saved");
            return 3;
        }
        try {
            Baseline.write(baseline, rb, f, Instant.now());
        } catch (IOException e) {
            throw new ExitException.InvalidInput(
                    "cutover drift: cannot write the baseline " + baseline + ": " + e.getMessage());
        }
        if (global.json()) {
            JsonSummary.print(out, new DriftRendering.Saved(baseline, f.name(), f.steps().size(), 0));
        } else {
            out.println("saved the facts of " + f.name() + " (" + f.steps().size() + " step(s)) to " + baseline
                    + "; review and commit it next to the runbook");
            f.steps().values().stream().filter(s -> StepFact.FAILED.equals(s.status())).forEach(s -> out.println(
                    "note: check '" + s.stepId() + "' fails in " + f.name() + " and the baseline records that: "
                    + dev.cutover.report.Printable.line(s.message().lines().findFirst().orElse(""))));
        }
        return 0;
    }

    private List<Target> targets() {
        List<Target> t = new ArrayList<>();
        Path dir = runbook.toAbsolutePath().getParent();
        for (String e : envs) {
            t.add(new Target(e, dir.resolve("environments").resolve(e + ".yaml")));
        }
        for (Path f : envFiles) {
            String name = f.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            t.add(new Target(name, f));
        }
        return t;
    }

    private String checkCount(int n) {
        if (!envs.stream().allMatch(RunbookOptions::isEnvironmentName)) {
            return RunbookOptions.NOT_A_NAME + "; use --env-file PATH for a file elsewhere";
        }
        if (save && baseline == null) {
            return "--save needs --baseline FILE";
        }
        if (save && n != 1) {
            return "--baseline FILE --save saves exactly one environment; give one --env";
        }
        if (baseline != null && n < 1) {
            return "--baseline FILE compares environments with the baseline; give at least one --env";
        }
        if (baseline == null && n < 2) {
            return "give at least two environments (--env A --env B), or one with --baseline FILE";
        }
        List<String> labels = targets().stream().map(Target::label).toList();
        if (labels.stream().distinct().count() != labels.size() || labels.contains("baseline") && baseline != null) {
            return "environment names must differ: " + labels;
        }
        return null;
    }

    private List<String> ignorePatterns() {
        List<String> all = new ArrayList<>(noDefaultIgnore ? List.of() : DriftComparer.DEFAULT_IGNORES);
        all.addAll(ignores);
        return all;
    }
}
