package dev.cutover.cli;

import dev.cutover.runbook.RunbookSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code cutover schema}: prints the runbook JSON Schema for editors and CI. */
@Command(name = "schema", mixinStandardHelpOptions = true, description = "Print the runbook JSON Schema.")
final class SchemaCommand implements Callable<Integer> {
    /** Accepted like on every command; the schema is the same whatever they say. */
    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(RunbookSchema.text());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
