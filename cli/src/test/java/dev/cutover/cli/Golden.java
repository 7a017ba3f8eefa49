package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden-file checks of the CLI's JSON outputs: the output is validated against its JSON Schema in
 * docs/schemas/ (every documented field required, so a renamed or removed field fails), then normalised
 * and compared with the committed file in src/test/resources/golden/ (so an added, reordered or retyped
 * field fails too). Normalised are only what changes from one run or machine to the next: run ids, times,
 * durations, the temporary directory, hashes over journal lines (they cover the times), and the machine's
 * own facts (host, OS user, Java and cutover versions). Run with {@code -Dgolden.update=true} to rewrite
 * the golden files after a deliberate change, then review the diff.
 */
final class Golden {
    static final Path SCHEMAS = Path.of("..", "docs", "schemas");
    static final Path FILES = Path.of("src", "test", "resources", "golden");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUN_ID = Pattern.compile("\\b\\d{8}-\\d{6}-[0-9a-f]{4}\\b");
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
    private static final Pattern DURATION = Pattern.compile("\\b\\d+(\\.\\d+)?(ms|s)\\b|\\b\\d+m( \\d{2}s)?\\b");
    private static final Pattern HASH = Pattern.compile("\\b[0-9a-f]{64}\\b");
    /** Numbers that are durations or offsets in milliseconds. */
    private static final Set<String> MILLIS = Set.of("duration_ms", "offset_ms", "start_ms", "end_ms");
    /** Text fields that hold a duration for people, or a time-derived count. */
    private static final Set<String> DURATION_TEXT = Set.of("duration", "offset");
    /** The machine's own facts: they differ from one machine to the next, not from one version to the next. */
    private static final Set<String> MACHINE = Set.of("host", "os_user", "os_uid", "java_version", "cutover_version");
    /** Hashes that cover journal lines, and so their times. */
    private static final Set<String> CHAIN_HASH = Set.of("last_hash");
    /** Times that come from fixed inputs (a certificate's validity), kept as they are. */
    private static final Set<String> INPUT_TIME = Set.of("not_after");
    /** Fields whose hashes cover fixed inputs (a runbook's bytes), kept as they are. */
    private static final Set<String> INPUT_HASH = Set.of("runbook_sha256", "sha256");

    private final Map<String, String> replacements = new LinkedHashMap<>();
    private final Set<String> daysLeft;

    private Golden(Set<String> derivedFromNow) {
        this.daysLeft = derivedFromNow;
    }

    /** Normalises the temporary directory {@code dir} as {@code <dir>}. */
    static Golden in(Path dir) {
        return new Golden(Set.of()).replace(dir.toAbsolutePath().toString(), "<dir>");
    }

    /** Also replaces {@code text} with {@code by} in every string. */
    Golden replace(String text, String by) {
        replacements.put(text, by);
        return this;
    }

    /** Also normalises these numeric fields, which count from the moment the command ran (days left). */
    Golden fromNow(String... fields) {
        Golden g = new Golden(Set.of(fields));
        g.replacements.putAll(replacements);
        return g;
    }

    /** Validates {@code json} against {@code schema} and compares its normal form with the golden file. */
    JsonNode check(String json, String schema, String golden) {
        JsonNode node = parse(json);
        List<String> errors = validate(node, schema);
        assertTrue(errors.isEmpty(), schema + " rejects the output: " + errors + "\n" + json);
        String normal = pretty(normalise(node.deepCopy(), null));
        Path file = FILES.resolve(golden + ".json");
        try {
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(FILES);
                Files.writeString(file, normal);
            }
            assertTrue(Files.isRegularFile(file), "no golden file " + file.toAbsolutePath()
                    + "; run the test with -Dgolden.update=true and review what it writes");
            assertEquals(Files.readString(file), normal, "the output differs from " + file
                    + " (if the change is deliberate and documented, rerun with -Dgolden.update=true)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return node;
    }

    /** The schema's errors for {@code node}, each with where it is. */
    static List<String> validate(JsonNode node, String schema) {
        try {
            Schema s = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(Files.readString(SCHEMAS.resolve(schema)));
            List<String> out = new ArrayList<>();
            for (Error e : s.validate(node)) {
                out.add(e.getInstanceLocation() + ": " + e.getMessage());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode normalise(JsonNode node, String field) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                o.set(n, normalise(o.get(n), n));
            }
            return o;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, normalise(a.get(i), field));
            }
            return a;
        }
        if (field != null && node.isNumber() && (MILLIS.contains(field) || daysLeft.contains(field))) {
            return IntNode.valueOf(0);
        }
        if (node.isTextual()) {
            if (field != null && MACHINE.contains(field)) {
                return TextNode.valueOf("<" + field + ">");
            }
            if (field != null && CHAIN_HASH.contains(field)) {
                return TextNode.valueOf("<hash>");
            }
            if (field != null && INPUT_TIME.contains(field)) {
                return node;
            }
            if (field != null && DURATION_TEXT.contains(field)) {
                return TextNode.valueOf("<" + field + ">");
            }
            String t = text(node.asText());
            boolean inputHash = field != null && INPUT_HASH.contains(field);
            return TextNode.valueOf(inputHash ? t : HASH.matcher(t).replaceAll("<hash>"));
        }
        return node;
    }

    /** Run ids, times, durations, chain hashes and the replacements in free text. */
    String text(String s) {
        String out = s;
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            out = out.replace(r.getKey(), r.getValue());
        }
        out = TIME.matcher(out).replaceAll("<time>");
        out = RUN_ID.matcher(out).replaceAll("<run-id>");
        out = DURATION.matcher(out).replaceAll("<duration>");
        return out;
    }
}
