package dev.cutover.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.spi.StepFailedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** How {@code http.check} matches a body: a regular expression, or values at JSON Pointers (RFC 6901). */
final class BodyMatch {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BodyMatch() {
    }

    static Pattern regex(String regex) throws StepFailedException {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new StepFailedException("input 'expect_body_regex': not a regular expression: " + e.getDescription());
        }
    }

    /** Problems with the literal inputs, for load time: bad regex, pointers that are not JSON Pointers. */
    static List<String> checkLiterals(Map<String, Object> raw) {
        List<String> problems = new ArrayList<>();
        Object regex = raw.get("expect_body_regex");
        if (regex != null && !regex.toString().contains("${")) {
            try {
                Pattern.compile(regex.toString());
            } catch (PatternSyntaxException e) {
                problems.add("input 'expect_body_regex': '" + regex + "' is not a regular expression: "
                        + e.getDescription());
            }
        }
        if (raw.get("expect_json") instanceof Map<?, ?> m) {
            for (Object key : m.keySet()) {
                try {
                    JsonPointer.compile(String.valueOf(key));
                } catch (IllegalArgumentException e) {
                    problems.add("input 'expect_json': '" + key + "' is not a JSON Pointer (it starts with /, "
                            + "like \"/status\")");
                }
            }
        }
        return problems;
    }

    /** What differs between the body's values at each pointer and the expected ones; empty when all match. */
    static List<String> json(String body, Map<String, Object> expected) throws StepFailedException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return List.of("the body is not JSON (expect_json needs a JSON body)");
        }
        if (root == null || root.isMissingNode()) {
            return List.of("the body is empty (expect_json needs a JSON body)");
        }
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            JsonPointer pointer;
            try {
                pointer = JsonPointer.compile(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new StepFailedException("input 'expect_json': '" + e.getKey() + "' is not a JSON Pointer (it "
                        + "starts with /, like \"/status\")");
            }
            JsonNode actual = root.at(pointer);
            JsonNode want = JSON.valueToTree(e.getValue());
            if (actual.isMissingNode()) {
                wrong.add(e.getKey() + " is absent (expected " + want + ")");
            } else if (!same(actual, want)) {
                wrong.add(e.getKey() + " is " + actual + ", expected " + want);
            }
        }
        return wrong;
    }

    /** Equal JSON, where a scalar also equals the same scalar written as text ("200" and 200, "true" and true). */
    private static boolean same(JsonNode actual, JsonNode want) {
        if (actual.equals(want)) {
            return true;
        }
        if (actual.isNumber() && want.isNumber()) {
            return actual.decimalValue().compareTo(want.decimalValue()) == 0;
        }
        return actual.isValueNode() && want.isValueNode() && !actual.isNull() && !want.isNull()
                && actual.asText().equals(want.asText());
    }
}
