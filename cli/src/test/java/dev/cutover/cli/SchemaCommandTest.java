package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cutover schema} describes each step type's {@code with:}: the real runbooks validate against
 * it with a JSON Schema validator (as an editor's YAML language server would), and a wrong input key or
 * type is rejected.
 */
class SchemaCommandTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static Schema schema;
    private static JsonNode tree;

    @BeforeAll
    static void generate() throws IOException {
        CliRun r = CliRun.of("schema");
        assertEquals(0, r.exit(), r.err());
        tree = new ObjectMapper().readTree(r.out());
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(r.out());
    }

    private static List<Error> validate(String yaml) throws IOException {
        return schema.validate(YAML.readTree(yaml));
    }

    @Test
    void everyLibraryRunbookValidatesAgainstTheGeneratedSchema() throws IOException {
        List<Path> runbooks;
        try (Stream<Path> s = Files.list(Path.of("..", "runbooks"))) {
            runbooks = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(runbooks.isEmpty());
        for (Path p : runbooks) {
            List<Error> errors = schema.validate(YAML.readTree(p.toFile()));
            assertTrue(errors.isEmpty(), p + ": " + errors);
        }
    }

    @Test
    void describesEachTypesInputsWithTypesDefaultsEnumsAndDescriptions() {
        JsonNode with = tree.at("/$defs/with:shell.exec");
        assertEquals("object", with.path("type").asText());
        assertFalse(with.path("additionalProperties").asBoolean(true), "unknown keys are flagged");
        assertEquals("command", with.path("required").path(0).asText());
        assertEquals("text", with.at("/properties/parse/default").asText());
        assertEquals("[\"text\",\"json\"]", with.at("/properties/parse/anyOf/0/enum").toString());
        assertTrue(with.at("/properties/command/description").asText().contains("argv"));
        JsonNode uses = tree.at("/$defs/step/properties/uses/anyOf");
        assertTrue(uses.toString().contains("\"const\":\"tls.handshake\""), uses.toString());
    }

    @Test
    void rejectsAnUnknownInputKey() throws IOException {
        List<Error> errors = validate(step("{ command: [true], readonyl: true }"));
        assertFalse(errors.isEmpty());
        assertTrue(errors.toString().contains("readonyl"), errors.toString());
    }

    @Test
    void rejectsAWrongInputType() throws IOException {
        assertFalse(validate(step("{ command: [true], readonly: maybe }")).isEmpty(), "a bool input given a string");
        assertFalse(validate(step("{ command: \"true\" }")).isEmpty(), "a list input given a plain string");
        assertFalse(validate(step("{ command: [true], parse: xml }")).isEmpty(), "a value outside the enum");
        assertFalse(validate(step("{ readonly: true }")).isEmpty(), "a required input missing");
    }

    @Test
    void acceptsReferencesWhereverTheirValueCouldBe() throws IOException {
        String yaml = """
                apiVersion: cutover/v1
                name: refs
                params:
                  argv: { type: list, required: true }
                  ro: { type: bool, default: true }
                steps:
                  - id: a
                    uses: shell.exec
                    with: { command: "${params.argv}", readonly: "${params.ro}", parse: json }
                    no_undo: "test"
                """;
        assertEquals(List.of(), validate(yaml));
    }

    @Test
    void checksUndoAndProbeInputsToo() throws IOException {
        String yaml = """
                apiVersion: cutover/v1
                name: undo
                steps:
                  - id: a
                    uses: shell.exec
                    with: { command: [true] }
                    undo: { uses: shell.exec, with: { comand: [false] } }
                """;
        assertTrue(validate(yaml).toString().contains("comand"));
    }

    private static String step(String with) {
        return """
                apiVersion: cutover/v1
                name: one
                steps:
                  - id: a
                    uses: shell.exec
                    with: %s
                    no_undo: "test"
                """.formatted(with);
    }
}
