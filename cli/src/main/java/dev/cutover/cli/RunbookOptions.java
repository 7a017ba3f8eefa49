package dev.cutover.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The runbook and where its parameter values come from. */
public final class RunbookOptions {
    @Parameters(index = "0", paramLabel = "RUNBOOK", description = "The runbook YAML file.")
    Path runbook;

    @Option(names = "--env", paramLabel = "NAME",
            description = "Read parameter values from environments/NAME.yaml beside the runbook.")
    String env;

    @Option(names = "--env-file", paramLabel = "FILE", description = "Read parameter values from this file.")
    Path envFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one parameter (not for secrets).")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--allow", paramLabel = "LINT-ID", description = "Accept this change-safety lint (repeat); it is "
            + "still printed. validate, plan, run and rehearse refuse a runbook with any other lint (docs/lints.md).")
    List<String> allow = new ArrayList<>();

    @picocli.CommandLine.Mixin
    RunPolicyOptions policy = new RunPolicyOptions();

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The environment variables of this invocation (secrets from env: and ${env.X} read them). */
    Map<String, String> environment() {
        return CutoverCli.environmentOf(mixee);
    }

    /** The plugin jars of this invocation ($CUTOVER_PLUGIN_PATH, else ~/.cutover/plugins). */
    dev.cutover.plugin.PluginPath plugins() {
        return CutoverCli.pluginsOf(mixee);
    }

    /** The environment file to read, or null. */
    Path environmentFile() {
        if (envFile != null) {
            return envFile;
        }
        if (env != null) {
            Path dir = runbook.toAbsolutePath().getParent();
            return dir.resolve("environments").resolve(env + ".yaml");
        }
        return null;
    }

    /** A label for the journal: the --env name or the file. */
    String environmentLabel() {
        return env != null ? env : envFile != null ? envFile.toString() : null;
    }
}
