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
 */
final class FakeSsm {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What one instance's invocation ends as. */
    record Outcome(String status, int exitCode, String output) {
    }

    final Map<String, Outcome> outcomes = new LinkedHashMap<>();
    final Map<String, List<String>> tagged = new LinkedHashMap<>();
    final List<JsonNode> sent = new ArrayList<>();
    int pollsInProgress;
    boolean denySend;
    private final Map<String, Command> commands = new LinkedHashMap<>();

    private record Command(String id, List<String> instances, String maxErrors, int[] polls) {
    }

    FakeSsm() {
        reset();
    }

    void reset() {
        outcomes.clear();
        tagged.clear();
        sent.clear();
        commands.clear();
        pollsInProgress = 2;
        denySend = false;
    }

    ResponseDefinition handle(String op, String body) {
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
            case "CancelCommand" -> ok(JSON.createObjectNode());
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
        ids.forEach(i -> list.addObject().put("InstanceId", i).put("PingStatus", "Online")
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
