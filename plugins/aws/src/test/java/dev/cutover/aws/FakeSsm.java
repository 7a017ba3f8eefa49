package dev.cutover.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

/**
 * A stateful SSM double speaking JSON 1.1: SendCommand to instance ids or a tag target, a command
 * that stays InProgress for a few ListCommands polls, then per-instance results as configured.
 *
 * <p>With {@link #runScripts}, an AWS-RunShellScript command sent to an instance without a configured
 * outcome really runs: its {@code commands} lines, joined as the SSM agent joins them, go to {@code /bin/sh}
 * on this machine, and GetCommandInvocation reports InProgress while it runs, then its exit code and output
 * (each cut at 24,000 characters as SSM cuts them); CancelCommand kills it. The first GetCommandInvocation of
 * an invocation answers InvocationDoesNotExist, as SSM does right after SendCommand.
 */
public final class FakeSsm {
    static final ObjectMapper JSON = new ObjectMapper();
    /** SSM's limit on StandardOutputContent and StandardErrorContent. */
    public static final int INLINE_LIMIT = 24_000;

    /** What one instance's invocation ends as. */
    record Outcome(String status, int exitCode, String output) {
    }

    final Map<String, Outcome> outcomes = new LinkedHashMap<>();
    final Map<String, List<String>> tagged = new LinkedHashMap<>();
    /** Every SendCommand request body, oldest first. */
    public final List<JsonNode> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The command ids CancelCommand was called for. */
    public final List<String> cancelled = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Instance → PingStatus other than Online (ConnectionLost, Inactive). */
    public final Map<String, String> pingStatus = new java.util.concurrent.ConcurrentHashMap<>();
    /** Instances SSM does not manage (DescribeInstanceInformation does not list them). */
    public final java.util.Set<String> unmanaged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Run AWS-RunShellScript commands with /bin/sh here (see the class comment). */
    public volatile boolean runScripts;
    int pollsInProgress;
    boolean denySend;
    private final Map<String, Command> commands = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Script> scripts = new java.util.concurrent.ConcurrentHashMap<>();

    /** One instance's run of a script: the shell process and where its output goes. */
    private record Script(Process process, java.nio.file.Path out, java.nio.file.Path err, boolean[] seen,
                          boolean[] cancelled) {
    }

    private record Command(String id, List<String> instances, String maxErrors, int[] polls) {
    }

    FakeSsm() {
        reset();
    }

    public synchronized void reset() {
        scripts.values().forEach(FakeSsm::kill);
        scripts.clear();
        cancelled.clear();
        pingStatus.clear();
        unmanaged.clear();
        runScripts = false;
        outcomes.clear();
        tagged.clear();
        sent.clear();
        commands.clear();
        pollsInProgress = 2;
        denySend = false;
    }

    synchronized ResponseDefinition handle(String op, String body) {
        JsonNode in;
        try {
            in = JSON.readTree(body);
        } catch (IOException e) {
            return error("ValidationException", "body is not JSON");
        }
        return switch (op) {
            case "SendCommand" -> send(in);
            case "ListCommands" -> list(in);
            case "ListCommandInvocations" -> invocations(in);
            case "DescribeInstanceInformation" -> describe(in);
            case "CancelCommand" -> cancel(in);
            case "GetCommandInvocation" -> invocation(in);
            default -> error("InvalidAction", "fake SSM does not implement " + op);
        };
    }

    private ResponseDefinition send(JsonNode in) {
        sent.add(in);
        if (denySend) {
            return error("AccessDeniedException", "User: arn:aws:iam::123456789012:user/rehearsal is not authorized "
                    + "to perform: ssm:SendCommand");
        }
        List<String> instances = new ArrayList<>();
        in.path("InstanceIds").forEach(n -> instances.add(n.asText()));
        for (JsonNode t : in.path("Targets")) {
            for (JsonNode v : t.path("Values")) {
                instances.addAll(tagged.getOrDefault(t.path("Key").asText() + "=" + v.asText(), List.of()));
            }
        }
        String id = UUID.randomUUID().toString();
        if (runScripts && "AWS-RunShellScript".equals(in.path("DocumentName").asText())) {
            String invalid = validateRunShellScript(in);
            if (invalid != null) {
                return error("ValidationException", invalid);
            }
            for (String i : instances) {
                if (!outcomes.containsKey(i)) {
                    scripts.put(id + "/" + i, start(in.path("Parameters").path("commands")));
                }
            }
        }
        commands.put(id, new Command(id, instances, in.path("MaxErrors").asText("0"), new int[] {pollsInProgress}));
        ObjectNode out = JSON.createObjectNode();
        out.putObject("Command").put("CommandId", id).put("Status", "Pending")
                .put("DocumentName", in.path("DocumentName").asText());
        return ok(out);
    }

    private ResponseDefinition list(JsonNode in) {
        Command c = commands.get(in.path("CommandId").asText());
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("Commands");
        if (c != null) {
            String status;
            if (c.polls()[0] > 0) {
                c.polls()[0]--;
                status = "InProgress";
            } else {
                long failed = c.instances().stream().filter(i -> !"Success".equals(outcome(i).status())).count();
                status = failed > Integer.parseInt(c.maxErrors().replace("%", "")) ? "Failed" : "Success";
            }
            list.addObject().put("CommandId", c.id()).put("Status", status).put("MaxErrors", c.maxErrors());
        }
        return ok(out);
    }

    private ResponseDefinition invocations(JsonNode in) {
        if (!in.path("Details").asBoolean(false)) {
            return error("ValidationException", "fake SSM expected Details=true");
        }
        Command c = commands.get(in.path("CommandId").asText());
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("CommandInvocations");
        for (String i : c == null ? List.<String>of() : c.instances()) {
            Outcome o = outcome(i);
            ObjectNode inv = list.addObject().put("CommandId", c.id()).put("InstanceId", i)
                    .put("Status", o.status()).put("StatusDetails", o.status());
            inv.putArray("CommandPlugins").addObject().put("Name", "aws:runShellScript").put("Status", o.status())
                    .put("ResponseCode", o.exitCode()).put("Output", o.output());
        }
        return ok(out);
    }

    /** What SSM checks of an AWS-RunShellScript request before accepting it. */
    private static String validateRunShellScript(JsonNode in) {
        JsonNode p = in.path("Parameters");
        if (!p.path("commands").isArray() || p.path("commands").isEmpty()) {
            return "AWS-RunShellScript needs the parameter commands";
        }
        for (java.util.Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!List.of("commands", "workingDirectory", "executionTimeout").contains(name)) {
                return "AWS-RunShellScript has no parameter " + name;
            }
        }
        JsonNode t = p.path("executionTimeout");
        if (!t.isMissingNode()) {
            String v = t.size() == 1 ? t.get(0).asText() : "";
            if (!v.matches("\\d+") || Long.parseLong(v) < 1 || Long.parseLong(v) > 172_800) {
                return "executionTimeout must be one number of seconds from 1 to 172800, got " + t;
            }
        }
        if (in.path("Comment").asText("").length() > 100) {
            return "Comment is longer than 100 characters";
        }
        return null;
    }

    private static Script start(JsonNode lines) {
        List<String> text = new ArrayList<>();
        lines.forEach(l -> text.add(l.asText()));
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fake-ssm");
            java.nio.file.Path script = dir.resolve("_script.sh");
            java.nio.file.Files.writeString(script, String.join("\n", text) + "\n");
            java.nio.file.Path out = dir.resolve("stdout");
            java.nio.file.Path err = dir.resolve("stderr");
            Process p = new ProcessBuilder("/bin/sh", script.toString()).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Script(p, out, err, new boolean[1], new boolean[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void kill(Script s) {
        s.process().descendants().forEach(ProcessHandle::destroyForcibly);
        s.process().destroyForcibly();
    }

    private ResponseDefinition cancel(JsonNode in) {
        String id = in.path("CommandId").asText();
        cancelled.add(id);
        scripts.forEach((k, s) -> {
            if (k.startsWith(id + "/") && s.process().isAlive()) {
                s.cancelled()[0] = true;
                kill(s);
            }
        });
        return ok(JSON.createObjectNode());
    }

    private ResponseDefinition invocation(JsonNode in) {
        String id = in.path("CommandId").asText();
        String instance = in.path("InstanceId").asText();
        Script s = scripts.get(id + "/" + instance);
        if (s == null || !s.seen()[0]) {
            if (s != null) {
                s.seen()[0] = true;
            }
            return error("InvocationDoesNotExist", "");
        }
        String status;
        int code = -1;
        if (s.process().isAlive()) {
            status = "InProgress";
        } else if (s.cancelled()[0]) {
            status = "Cancelled";
        } else {
            code = s.process().exitValue();
            status = code == 0 ? "Success" : "Failed";
        }
        ObjectNode out = JSON.createObjectNode().put("CommandId", id).put("InstanceId", instance)
                .put("DocumentName", "AWS-RunShellScript").put("PluginName", "aws:runShellScript")
                .put("ResponseCode", code).put("Status", status).put("StatusDetails", status)
                .put("StandardOutputContent", cut(s.out())).put("StandardErrorContent", cut(s.err()));
        return ok(out);
    }

    private static String cut(java.nio.file.Path f) {
        try {
            String text = new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.UTF_8);
            return text.length() > INLINE_LIMIT ? text.substring(0, INLINE_LIMIT) : text;
        } catch (IOException e) {
            return "";
        }
    }

    private ResponseDefinition describe(JsonNode in) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("InstanceInformationList");
        List<String> ids = new ArrayList<>();
        for (JsonNode f : in.path("Filters")) {
            String key = f.path("Key").asText();
            for (JsonNode v : f.path("Values")) {
                ids.addAll(key.equals("InstanceIds") ? List.of(v.asText())
                        : tagged.getOrDefault(key + "=" + v.asText(), List.of()));
            }
        }
        ids.stream().filter(i -> !unmanaged.contains(i)).forEach(i -> list.addObject().put("InstanceId", i)
                .put("PingStatus", pingStatus.getOrDefault(i, "Online")).put("PlatformType", "Linux")
                .put("ComputerName", i + ".internal"));
        return ok(out);
    }

    private Outcome outcome(String instance) {
        return outcomes.getOrDefault(instance, new Outcome("Success", 0, "ok\n"));
    }

    static ResponseDefinition ok(JsonNode body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody(write(body)).build();
    }

    static ResponseDefinition error(String type, String message) {
        ObjectNode e = JSON.createObjectNode().put("__type", type).put("message", message);
        return aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody(write(e)).build();
    }

    private static String write(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
