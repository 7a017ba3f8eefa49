package dev.cutover.aws;

import dev.cutover.spi.Durations;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.CommandInvocation;
import software.amazon.awssdk.services.ssm.model.CommandPlugin;
import software.amazon.awssdk.services.ssm.model.Target;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One SendCommand and the wait for its invocations: sends, polls ListCommands, collects ListCommandInvocations. */
final class SsmCommandRun {
    private final SsmClient ssm;
    private final SsmCommand cmd;
    private final StepContext context;

    SsmCommandRun(SsmClient ssm, SsmCommand cmd, StepContext context) {
        this.ssm = ssm;
        this.cmd = cmd;
        this.context = context;
    }

    StepResult sendAndWait(Duration poll, Duration deadline, int lines) throws StepFailedException, InterruptedException {
        String commandId = send();
        context.note("sent " + cmd.document() + " to " + cmd.describeTargets() + " as command " + commandId);
        Duration limit = context.timeout().filter(t -> t.compareTo(deadline) < 0).orElse(deadline);
        Instant until = Instant.now().plus(limit);
        SsmWait.Outcome<String> waited;
        try {
            waited = SsmWait.until(() -> status(commandId), SsmWait.FINISHED::contains, poll, poll, until);
        } catch (InterruptedException e) {
            cancel(commandId);
            throw e;
        }
        String status = waited.last();
        if (!waited.finished()) {
            cancel(commandId);
            throw new StepFailedException("ssm:SendCommand " + cmd.document() + " on " + cmd.describeTargets()
                    + " did not finish within " + Durations.format(limit) + " (status " + status
                    + "); cancelled command " + commandId, outputs(commandId, status, lines), null);
        }
        Map<String, Object> out = outputs(commandId, status, lines);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> instances = (List<Map<String, Object>>) out.get("instances");
        List<Map<String, Object>> failed = instances.stream().filter(i -> !"Success".equals(i.get("status"))).toList();
        if (instances.isEmpty()) {
            throw new StepFailedException("ssm:SendCommand " + cmd.document() + ": no managed instance matched "
                    + cmd.describeTargets() + " (command " + commandId + ", status " + status + ")", out, null);
        }
        int allowed = cmd.errorsAllowed(instances.size());
        if (failed.size() > allowed) {
            List<String> why = failed.stream().map(SsmCommandRun::summary).toList();
            throw new StepFailedException(context.mask("ssm:SendCommand " + cmd.document() + " failed on "
                    + failed.size() + " of " + instances.size() + " instances, more than max_errors " + cmd.maxErrors()
                    + " allows: " + String.join("; ", why) + " (command " + commandId + ")"), out, null);
        }
        return StepResult.done(out, cmd.document() + " succeeded on " + (instances.size() - failed.size()) + " of "
                + instances.size() + " instances");
    }

    private String send() throws StepFailedException {
        try {
            return ssm.sendCommand(r -> {
                r.documentName(cmd.document()).parameters(cmd.parameters()).maxConcurrency(cmd.maxConcurrency())
                        .maxErrors(cmd.maxErrors()).comment(cmd.comment()).timeoutSeconds(cmd.timeoutSeconds());
                if (cmd.instanceIds().isEmpty()) {
                    List<Target> targets = new ArrayList<>();
                    cmd.targets().forEach((k, v) -> targets.add(Target.builder().key(k).values(v).build()));
                    r.targets(targets);
                } else {
                    r.instanceIds(cmd.instanceIds());
                }
            }).command().commandId();
        } catch (SdkException e) {
            throw AwsErrors.failure("ssm:SendCommand", "document " + cmd.document() + " to " + cmd.describeTargets(), e);
        }
    }

    private String status(String commandId) throws StepFailedException {
        try {
            List<Command> found = ssm.listCommands(r -> r.commandId(commandId)).commands();
            return found.isEmpty() ? "Pending" : found.get(0).statusAsString();
        } catch (SdkException e) {
            throw AwsErrors.failure("ssm:ListCommands", "command " + commandId, e);
        }
    }

    private void cancel(String commandId) {
        String failed = SsmWait.cancel(ssm, commandId);
        if (failed != null) {
            context.note("could not cancel command " + commandId + ": " + failed);
        }
    }

    private Map<String, Object> outputs(String commandId, String status, int lines) throws StepFailedException {
        List<Map<String, Object>> instances = new ArrayList<>();
        try {
            for (CommandInvocation inv : ssm.listCommandInvocationsPaginator(r -> r.commandId(commandId).details(true))
                    .commandInvocations()) {
                instances.add(instance(inv, lines));
            }
        } catch (SdkException e) {
            throw AwsErrors.failure("ssm:ListCommandInvocations", "command " + commandId, e);
        }
        instances.sort(Comparator.comparing(m -> String.valueOf(m.get("instance_id"))));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command_id", commandId);
        out.put("document", cmd.document());
        out.put("status", status);
        out.put("instances", instances);
        out.put("succeeded", instances.stream().filter(i -> "Success".equals(i.get("status"))).count());
        out.put("failed", instances.stream().filter(i -> !"Success".equals(i.get("status"))).count());
        return out;
    }

    private Map<String, Object> instance(CommandInvocation inv, int lines) {
        Integer exit = null;
        StringBuilder text = new StringBuilder();
        for (CommandPlugin p : inv.commandPlugins()) {
            if (p.responseCode() != null && (exit == null || exit == 0)) {
                exit = p.responseCode();
            }
            if (p.output() != null) {
                text.append(p.output());
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instance_id", inv.instanceId());
        m.put("status", inv.statusAsString());
        m.put("status_details", inv.statusDetails());
        m.put("exit_code", exit);
        m.put("output_tail", context.mask(tail(text.toString(), lines)));
        return m;
    }

    private static String summary(Map<String, Object> i) {
        String last = String.valueOf(i.get("output_tail")).strip();
        String[] all = last.split("\\R");
        String lastLine = all.length == 0 ? "" : all[all.length - 1];
        return i.get("instance_id") + " " + i.get("status") + " exit " + i.get("exit_code")
                + (lastLine.isEmpty() ? "" : ": " + AwsErrors.oneLine(lastLine));
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\\R", -1);
        int end = all.length;
        while (end > 0 && all[end - 1].isEmpty()) {
            end--;
        }
        return String.join("\n", Arrays.copyOfRange(all, Math.max(0, end - Math.max(lines, 0)), end));
    }
}
