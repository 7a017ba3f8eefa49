package dev.cutover.aws;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;
import dev.cutover.spi.Change;
import dev.cutover.spi.Values;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code aws.ssm.run-command}: sends an SSM document (AWS-RunShellScript by default) to instances
 * or tag targets, waits for every invocation to finish, and fails when more instances failed than
 * {@code max_errors} allows. Mutating unless {@code readonly: true}; the runbook names its undo.
 */
public final class SsmRunCommandStep implements Check, Change {
    private final AwsClients clients;

    public SsmRunCommandStep() {
        this(AwsClients.standard());
    }

    SsmRunCommandStep(AwsClients clients) {
        this.clients = clients;
    }

    @Override
    public String id() {
        return "aws.ssm.run-command";
    }

    @Override
    public String description() {
        return "Runs an SSM document (default AWS-RunShellScript) on instance ids or tag targets and waits for "
                + "per-instance results; fails when failures exceed max_errors.";
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> in = new ArrayList<>();
        in.add(InputSpec.optional("commands", InputType.LIST, null, "shell lines for AWS-RunShellScript "
                + "(its 'commands' parameter); visible in the SSM console and CloudTrail, so no secrets")
                .refusingSecrets());
        in.add(InputSpec.optional("document", InputType.STRING, SsmCommand.DEFAULT_DOCUMENT, "SSM document name"));
        in.add(InputSpec.optional("parameters", InputType.MAP, null, "further document parameters, name → value "
                + "or list of values").refusingSecrets());
        in.add(InputSpec.optional("instance_ids", InputType.LIST, null, "managed instance ids (or use targets)"));
        in.add(InputSpec.optional("targets", InputType.MAP, null, "SSM targets, e.g. {\"tag:Role\": [payments]}"));
        in.add(InputSpec.optional("max_concurrency", InputType.STRING, "50", "MaxConcurrency: a number or a percentage"));
        in.add(InputSpec.optional("max_errors", InputType.STRING, "0", "MaxErrors: failed instances tolerated, a "
                + "number or a percentage; more fails the step"));
        in.add(InputSpec.optional("readonly", InputType.BOOL, false, "true when the command changes nothing "
                + "(then it may run in preflight and validate, and needs no undo)"));
        in.add(InputSpec.optional("comment", InputType.STRING, null, "SSM command comment (max 100 characters)"));
        in.add(InputSpec.optional("timeout_seconds", InputType.INT, null, "SSM delivery timeout (TimeoutSeconds)"));
        in.add(InputSpec.optional("poll_interval", InputType.DURATION, "5s", "how often to check progress"));
        in.add(InputSpec.optional("deadline", InputType.DURATION, "15m", "how long to wait; the command is "
                + "cancelled after that"));
        in.add(InputSpec.optional("output_lines", InputType.INT, 20, "lines of each instance's output to keep"));
        in.addAll(AwsClients.COMMON_INPUTS);
        return in;
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.RUNS_SHELL_COMMANDS);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("command_id", "the SSM command id"),
                OutputSpec.string("document", "the SSM document run"),
                OutputSpec.string("status", "the command's final status, e.g. Success"),
                OutputSpec.list("instances",
                        "by instance id: {instance_id, status, status_details, exit_code, output_tail}"),
                OutputSpec.integer("succeeded", "instances on which it succeeded"),
                OutputSpec.integer("failed",
                        "instances on which it did not (at most max_errors when the step passes)"));
    }

    @Override
    public boolean readOnly(Map<String, Object> rawWith) {
        Object r = rawWith == null ? null : rawWith.get("readonly");
        return Values.parseBoolean(r).orElse(false);
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        SsmCommand cmd = SsmCommand.from(context.inputs());
        List<String> changes = new ArrayList<>();
        changes.add("+ send " + cmd.document() + " to " + cmd.describeTargets() + " (MaxConcurrency "
                + cmd.maxConcurrency() + ", MaxErrors " + cmd.maxErrors() + ")");
        for (String line : cmd.commandLines()) {
            changes.add("  $ " + line);
        }
        boolean listable = cmd.targets().keySet().stream().allMatch(k -> k.startsWith("tag:") || k.equals("tag-key"));
        if (!listable) {
            changes.add("  (targets other than tags are resolved by SSM when the command is sent)");
            return Plan.of("would run " + cmd.document() + " on " + cmd.describeTargets(), changes);
        }
        try (AwsClients.Handle<SsmClient> ssm = clients.ssm(clients.target(context.inputs()))) {
            List<InstanceInformation> found = managedInstances(ssm.client(), cmd);
            if (found.isEmpty()) {
                changes.add("  ! no managed instance matches; the command would reach nobody");
            }
            for (InstanceInformation i : found) {
                changes.add("  " + i.instanceId() + " (" + i.pingStatusAsString()
                        + (i.computerName() == null ? "" : ", " + i.computerName()) + ")");
            }
        } catch (StepFailedException e) {
            changes.add("  ? could not list the matching instances: " + e.getMessage());
        }
        return Plan.of("would run " + cmd.document() + " on " + cmd.describeTargets(), changes);
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException, InterruptedException {
        return apply(context, Intent.none());
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException, InterruptedException {
        Inputs in = context.inputs();
        SsmCommand cmd = SsmCommand.from(in);
        try (AwsClients.Handle<SsmClient> ssm = clients.ssm(clients.target(in))) {
            SsmCommandRun run = new SsmCommandRun(ssm.client(), cmd, context);
            return run.sendAndWait(in.duration("poll_interval"), in.duration("deadline"),
                    (int) in.integer("output_lines"));
        }
    }

    private static List<InstanceInformation> managedInstances(SsmClient ssm, SsmCommand cmd) throws StepFailedException {
        List<InstanceInformationStringFilter> filters = new ArrayList<>();
        if (!cmd.instanceIds().isEmpty()) {
            filters.add(InstanceInformationStringFilter.builder().key("InstanceIds").values(cmd.instanceIds()).build());
        }
        for (Map.Entry<String, List<String>> t : cmd.targets().entrySet()) {
            filters.add(InstanceInformationStringFilter.builder().key(t.getKey()).values(t.getValue()).build());
        }
        try {
            List<InstanceInformation> out = new ArrayList<>();
            ssm.describeInstanceInformationPaginator(r -> r.filters(filters))
                    .instanceInformationList().forEach(out::add);
            return out;
        } catch (SdkException e) {
            throw AwsErrors.failure("ssm:DescribeInstanceInformation", cmd.describeTargets(), e);
        }
    }
}
