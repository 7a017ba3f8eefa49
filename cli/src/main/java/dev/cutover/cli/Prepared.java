package dev.cutover.cli;

import dev.cutover.plugin.PluginPath;
import dev.cutover.plugin.SecretSourceRegistry;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.ParamResolver;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import dev.cutover.secrets.Masker;

import java.nio.file.Path;
import java.util.Map;

/**
 * A runbook loaded with its parameter values: everything a command needs before anything runs.
 *
 * @param runbook  the checked runbook
 * @param params   resolved values (secrets as Secret)
 * @param env      the environment file, or null
 * @param registry the step types
 * @param masker   the run's masker, holding every secret value read
 * @param environment the environment variables the values were resolved with
 * @param fleet    the hosts the runbook's {@code hosts:} blocks run on, from the environment's inventory
 */
record Prepared(Runbook runbook, Map<String, Object> params, ParamResolver.EnvironmentFile env,
                StepTypeRegistry registry, Masker masker, Map<String, String> environment,
                dev.cutover.runbook.Fleet fleet) {

    /** Loads and checks; any problem is an {@link InvalidRunbookException} (exit 2). */
    static Prepared load(RunbookOptions o, boolean fetchSecrets) throws InvalidRunbookException {
        PluginPath plugins = o.plugins();
        StepTypeRegistry registry = StepTypeRegistry.load(plugins);
        Runbook rb = new RunbookLoader(registry).load(o.runbook);
        Path envFile = o.environmentFile();
        ParamResolver.EnvironmentFile env = envFile == null ? null : ParamResolver.readEnvironment(envFile);
        Masker masker = new Masker();
        Map<String, String> environment = o.environment();
        ParamResolver resolver = new ParamResolver(environment, masker, fetchSecrets)
                .withPrompt(Prepared::promptForSecret).withSecretSources(() -> SecretSourceRegistry.load(plugins));
        Map<String, Object> params = resolver.resolve(rb, env, o.sets);
        dev.cutover.runbook.Inventory inventory = new dev.cutover.runbook.InventoryReader(resolver::secretFrom)
                .read(env);
        dev.cutover.runbook.Fleet fleet = dev.cutover.runbook.Fleet.resolve(rb, inventory,
                dev.cutover.run.Connectors.availableTransports(), dev.cutover.run.Connectors.commandOnlyTransports(),
                uses -> registry.find(uses).map(dev.cutover.spi.StepType::traits).orElse(java.util.Set.of()));
        return new Prepared(rb, params, env, registry, masker, environment, fleet);
    }

    /** With {@code --verbose}: the environment file's values this runbook ignores (it may serve several). */
    void printIgnored(GlobalOptions global, java.io.PrintWriter err) {
        java.util.List<String> ignored = ParamResolver.ignored(runbook, env);
        if (global.verbose() && !ignored.isEmpty()) {
            err.println("cutover: " + env.file() + ": ignored " + ignored.size() + " value(s) that " + runbook.name()
                    + " does not declare: " + String.join(", ", ignored));
            err.flush();
        }
    }

    /** A no-echo prompt on the terminal; null when not on one. */
    private static String promptForSecret(String name) {
        java.io.Console c = System.console();
        if (c == null) {
            return null;
        }
        char[] typed = c.readPassword("Secret '%s' (not echoed): ", name);
        return typed == null ? null : new String(typed);
    }
}
