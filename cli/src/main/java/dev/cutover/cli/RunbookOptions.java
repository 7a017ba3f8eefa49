package dev.cutover.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.Location;
import dev.cutover.runbook.Problem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The runbook and where its parameter values come from. */
public final class RunbookOptions {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z0-9._-]+");

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

    /**
     * The environment file to read, or null. {@code --env} takes a name, never a path: a name such as
     * {@code ../../x} would read any file; {@code --env-file} is the way to give a path.
     */
    Path environmentFile() throws InvalidRunbookException {
        if (envFile != null && env != null) {
            throw invalid("--env and --env-file were both given", "give one: --env NAME (environments/NAME.yaml "
                    + "beside the runbook) or --env-file PATH");
        }
        if (envFile != null) {
            return envFile;
        }
        if (env != null) {
            if (!isEnvironmentName(env)) {
                throw invalid(NOT_A_NAME, "to read a file elsewhere, use --env-file PATH");
            }
            Path dir = runbook.toAbsolutePath().getParent();
            return dir.resolve("environments").resolve(env + ".yaml");
        }
        return null;
    }

    static final String NOT_A_NAME = "--env takes an environment name (letters, digits, '.', '_', '-'; no '..'), "
            + "not a path";

    /** Whether {@code --env} was given a name (environments/NAME.yaml), not a path. */
    static boolean isEnvironmentName(String name) {
        return ENV_NAME.matcher(name).matches() && !name.contains("..");
    }

    private static InvalidRunbookException invalid(String message, String hint) {
        return new InvalidRunbookException(List.of(new Problem(Location.unknown(null), null, message, hint)));
    }

    /** A label for the journal: the --env name or the file. */
    String environmentLabel() {
        return env != null ? env : envFile != null ? envFile.toString() : null;
    }
}
