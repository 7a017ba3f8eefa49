package dev.cutover.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A Secrets Manager double speaking JSON 1.1: GetSecretValue for configured secrets, denials and not-found. */
final class FakeSecretsManager {
    final Map<String, String> values = new LinkedHashMap<>();
    final Set<String> denied = new HashSet<>();
    int calls;

    void reset() {
        values.clear();
        denied.clear();
        calls = 0;
    }

    ResponseDefinition handle(String op, String body) {
        if (!"GetSecretValue".equals(op)) {
            return FakeSsm.error("InvalidAction", "fake Secrets Manager does not implement " + op);
        }
        calls++;
        JsonNode in;
        try {
            in = FakeSsm.JSON.readTree(body);
        } catch (IOException e) {
            return FakeSsm.error("ValidationException", "body is not JSON");
        }
        String id = in.path("SecretId").asText();
        if (denied.contains(id)) {
            return FakeSsm.error("AccessDeniedException", "User: arn:aws:iam::123456789012:user/rehearsal is not "
                    + "authorized to perform: secretsmanager:GetSecretValue on resource: " + id);
        }
        String v = values.get(id);
        if (v == null) {
            return FakeSsm.error("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        ObjectNode out = FakeSsm.JSON.createObjectNode()
                .put("ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + id + "-AbCdEf")
                .put("Name", id).put("SecretString", v).put("VersionId", "v1").put("CreatedDate", 1.7e9);
        out.putArray("VersionStages").add("AWSCURRENT");
        return FakeSsm.ok(out);
    }
}
