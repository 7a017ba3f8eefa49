package dev.cutover.aws;

import dev.cutover.spi.Inputs;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepFailedException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An SSM SendCommand request as the step's inputs describe it, validated.
 *
 * @param parameters document parameters, including {@code commands} when given
 * @param targets    SSM target key → values; empty when instance ids are used
 */
record SsmCommand(String document, Map<String, List<String>> parameters, List<String> instanceIds,
                  Map<String, List<String>> targets, String maxConcurrency, String maxErrors, String comment,
                  Integer timeoutSeconds) {

    static final String DEFAULT_DOCUMENT = "AWS-RunShellScript";
    private static final Pattern LIMIT = Pattern.compile("\\d+%?");

    static SsmCommand from(Inputs in) throws StepFailedException {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (in.has("parameters")) {
            for (Map.Entry<String, Object> e : in.map("parameters").entrySet()) {
                params.put(e.getKey(), strings("parameters." + e.getKey(), e.getValue()));
            }
        }
        if (in.has("commands")) {
            params.put("commands", in.stringList("commands"));
        }
        String document = in.string("document");
        if (DEFAULT_DOCUMENT.equals(document) && !params.containsKey("commands")) {
            throw new StepFailedException("aws.ssm.run-command: " + DEFAULT_DOCUMENT + " needs 'commands' "
                    + "(the shell lines to run)");
        }
        List<String> ids = in.has("instance_ids") ? in.stringList("instance_ids") : List.of();
        Map<String, List<String>> targets = new LinkedHashMap<>();
        if (in.has("targets")) {
            for (Map.Entry<String, Object> e : in.map("targets").entrySet()) {
                targets.put(e.getKey(), strings("targets." + e.getKey(), e.getValue()));
            }
        }
        if (ids.isEmpty() == targets.isEmpty()) {
            throw new StepFailedException("aws.ssm.run-command: give exactly one of 'instance_ids' or 'targets'");
        }
        String concurrency = in.string("max_concurrency").trim();
        String errors = in.string("max_errors").trim();
        if (!LIMIT.matcher(concurrency).matches() || !LIMIT.matcher(errors).matches()) {
            throw new StepFailedException("aws.ssm.run-command: max_concurrency and max_errors must be a number or a "
                    + "percentage such as 10 or 25%, got '" + concurrency + "' and '" + errors + "'");
        }
        Integer timeout = in.has("timeout_seconds") ? (int) in.integer("timeout_seconds") : null;
        return new SsmCommand(document, params, ids, targets, concurrency, errors,
                in.optionalString("comment").orElse(null), timeout);
    }

    /** The shell lines, for plans; empty for documents without a {@code commands} parameter. */
    List<String> commandLines() {
        return parameters.getOrDefault("commands", List.of());
    }

    String describeTargets() {
        if (!instanceIds.isEmpty()) {
            return instanceIds.size() == 1 ? instanceIds.get(0) : instanceIds.size() + " instances "
                    + String.join(", ", instanceIds);
        }
        List<String> parts = new ArrayList<>();
        targets.forEach((k, v) -> parts.add(k + "=" + String.join(",", v)));
        return "targets " + String.join(" ", parts);
    }

    /** How many failed instances are tolerated out of {@code total}, as SSM counts MaxErrors. */
    int errorsAllowed(int total) {
        if (maxErrors.endsWith("%")) {
            int pct = Integer.parseInt(maxErrors.substring(0, maxErrors.length() - 1));
            return (int) Math.floor(total * pct / 100.0);
        }
        return Integer.parseInt(maxErrors);
    }

    private static List<String> strings(String name, Object v) throws StepFailedException {
        List<String> out = new ArrayList<>();
        for (Object o : v instanceof List<?> l ? l : List.of(v)) {
            if (o instanceof Secret) {
                throw new StepFailedException("input '" + name + "' contains a secret; SSM parameters are visible "
                        + "in the console and CloudTrail, so fetch secrets on the instance instead");
            }
            out.add(String.valueOf(o));
        }
        return out;
    }
}
