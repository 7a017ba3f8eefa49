package dev.cutover.runbook;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.LoaderOptions;

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
    /** YAML 1.2 booleans: only true and false; yes, no, on, off stay text ({@link dev.cutover.spi.Values}). */
    private static final YAMLFactory YAML = YAMLFactory.builder().loaderOptions(loaderOptions())
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The longest line accepted, in characters. */
    static final int MAX_LINE = 64 * 1024;

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
        Location longLine = longLine(file, text);
        if (longLine != null) {
            problems.add(new Problem(longLine, null, "line " + longLine.line() + " is longer than " + MAX_LINE / 1024
                    + " KiB", "split it: YAML folds a long string over several lines ('>' or a quoted string)"));
            return new YamlTree(file, null, values, keys);
        }
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                problems.add(new Problem(new Location(file, 1, 1), null, "the file is empty",
                        "start with 'apiVersion: cutover/v1'"));
                return new YamlTree(file, null, values, keys);
            }
            int before = problems.size();
            JsonNode root = read(p, file, "", values, keys, problems);
            if (p.nextToken() != null) {
                problems.add(new Problem(loc(file, p.currentTokenLocation()), null,
                        "more than one YAML document in the file", "keep one document per file"));
            }
            boolean refused = problems.subList(before, problems.size()).stream()
                    .anyMatch(x -> x.message().startsWith("YAML a"));
            return new YamlTree(file, refused ? null : root, values, keys); // nothing is checked past an alias
        } catch (StreamConstraintsException e) {
            problems.add(new Problem(deepest(file, values), null, "the document nests more than "
                    + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels deep", "flatten it; a runbook needs a few levels"));
            return new YamlTree(file, null, values, keys);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            problems.add(YamlErrors.of(file, text, e, l == null ? Location.unknown(file) : loc(file, l)));
            return new YamlTree(file, null, values, keys);
        } catch (IOException e) {
            problems.add(new Problem(Location.unknown(file), null, "cannot read: " + dev.cutover.spi.ErrorText.of(e), ""));
            return new YamlTree(file, null, values, keys);
        }
    }

    /**
     * The first line longer than {@link #MAX_LINE}, or null. SnakeYAML re-copies its read window for
     * every 1 KiB of a token, so one very long token costs time quadratic in its length; every such
     * token lies within one line, so bounding lines keeps parsing linear.
     */
    private static Location longLine(Path file, String text) {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i - start > MAX_LINE) {
                    return new Location(file, line, MAX_LINE + 1);
                }
                line++;
                start = i + 1;
            }
        }
        return null;
    }

    /** The location of the deepest value read so far (where a nesting limit was hit). */
    private static Location deepest(Path file, Map<String, Location> values) {
        return values.entrySet().stream().max(java.util.Comparator.comparingLong(
                        (Map.Entry<String, Location> e) -> e.getKey().chars().filter(c -> c == '/').count())
                .thenComparingInt(e -> e.getValue().line())).map(Map.Entry::getValue).orElse(Location.unknown(file));
    }

    /** SnakeYAML's own limits, set to match the size limit on input files (its default is 3 MB). */
    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(BoundedFiles.INPUT_LIMIT + 1);
        return o;
    }

    private static JsonNode read(JsonParser p, Path file, String ptr, Map<String, Location> values,
                                 Map<String, Location> keys, List<Problem> problems) throws IOException {
        JsonToken t = p.currentToken();
        Location here = loc(file, p.currentTokenLocation());
        values.put(ptr, here);
        if (p instanceof YAMLParser y) {
            if (y.isCurrentAlias()) {
                problems.add(new Problem(here, null, "YAML alias '*" + y.getText() + "' is not supported in a runbook",
                        "write the value out in full; anchors and aliases are refused so that what a reviewer "
                                + "reads is exactly what runs"));
                return NODES.nullNode();
            }
            Object anchor = y.getObjectId();
            if (anchor != null) {
                problems.add(new Problem(here, null, "YAML anchor '&" + anchor + "' is not supported in a runbook",
                        "remove the anchor and write every value out in full; anchors and aliases are refused "
                                + "so that what a reviewer reads is exactly what runs"));
            }
        }
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
