package dev.cutover.runbook;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree that remembers where every value and every key came
 * from (by JSON Pointer), so errors can name file:line:column. Duplicate keys are problems.
 */
final class YamlTree {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path file;
    private final JsonNode root;
    private final Map<String, Location> values;
    private final Map<String, Location> keys;

    private YamlTree(Path file, JsonNode root, Map<String, Location> values, Map<String, Location> keys) {
        this.file = file;
        this.root = root;
        this.values = values;
        this.keys = keys;
    }

    /** Parses text; YAML syntax errors and duplicate keys are added to {@code problems} (root may then be null). */
    static YamlTree parse(Path file, String text, List<Problem> problems) {
        Map<String, Location> values = new HashMap<>();
        Map<String, Location> keys = new HashMap<>();
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                problems.add(new Problem(new Location(file, 1, 1), null, "the file is empty",
                        "start with 'apiVersion: cutover/v1'"));
                return new YamlTree(file, null, values, keys);
            }
            JsonNode root = read(p, file, "", values, keys, problems);
            if (p.nextToken() != null) {
                problems.add(new Problem(loc(file, p.currentTokenLocation()), null,
                        "more than one YAML document in the file", "keep one document per file"));
            }
            return new YamlTree(file, root, values, keys);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String msg = e.getOriginalMessage().split("\n")[0];
            problems.add(new Problem(l == null ? Location.unknown(file) : loc(file, l), null,
                    "YAML syntax error: " + msg, "fix the indentation or quoting at this position"));
            return new YamlTree(file, null, values, keys);
        } catch (IOException e) {
            problems.add(new Problem(Location.unknown(file), null, "cannot read: " + e.getMessage(), ""));
            return new YamlTree(file, null, values, keys);
        }
    }

    private static JsonNode read(JsonParser p, Path file, String ptr, Map<String, Location> values,
                                 Map<String, Location> keys, List<Problem> problems) throws IOException {
        JsonToken t = p.currentToken();
        values.put(ptr, loc(file, p.currentTokenLocation()));
        switch (t) {
            case START_OBJECT -> {
                ObjectNode obj = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = ptr + "/" + escape(name);
                    Location keyLoc = loc(file, p.currentTokenLocation());
                    p.nextToken();
                    JsonNode value = read(p, file, child, values, keys, problems);
                    if (obj.has(name)) {
                        problems.add(new Problem(keyLoc, null, "duplicate key '" + name + "'",
                                "remove one of the two; the first is at " + keys.get(child)));
                        continue;
                    }
                    keys.put(child, keyLoc);
                    obj.set(name, value);
                }
                return obj;
            }
            case START_ARRAY -> {
                ArrayNode arr = NODES.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    arr.add(read(p, file, ptr + "/" + i++, values, keys, problems));
                }
                return arr;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return NODES.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> {
                return NODES.textNode(p.getText());
            }
        }
    }

    private static Location loc(Path file, JsonLocation l) {
        return new Location(file, l.getLineNr(), l.getColumnNr());
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    Path file() {
        return file;
    }

    JsonNode root() {
        return root;
    }

    /** Where the value at this pointer starts; falls back to the nearest parent. */
    Location at(String pointer) {
        String p = pointer;
        while (true) {
            Location l = values.get(p);
            if (l != null) {
                return l;
            }
            if (p.isEmpty()) {
                return Location.unknown(file);
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    /** Where the key naming this pointer's value is; falls back to the value's location. */
    Location keyAt(String pointer) {
        Location l = keys.get(pointer);
        return l != null ? l : at(pointer);
    }
}
