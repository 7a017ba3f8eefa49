package dev.cutover.cli;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.StepInputsSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/**
 * {@code cutover schema}: prints the runbook JSON Schema for editors and CI, with every installed step
 * type's inputs keyed on {@code uses:} so a YAML language server completes and checks {@code with:}.
 */
@Command(name = "schema", mixinStandardHelpOptions = true, description = "Print the runbook JSON Schema, with the "
        + "inputs of every installed step type (point a YAML language server at it: see README).")
final class SchemaCommand implements Callable<Integer> {
    /** Accepted like on every command; the schema is the same whatever they say. */
    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        StepTypeRegistry registry = StepTypeRegistry.load(CutoverCli.pluginsOf(spec));
        spec.commandLine().getOut().print(StepInputsSchema.text(registry));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
