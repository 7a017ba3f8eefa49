package dev.cutover.runbook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.spi.Durations;
import dev.cutover.spi.Traits;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The duration syntax, the trait placeholder filler and the {@code ${...}} interpolation exist once. */
class OnePrimitiveTest {
    @Test
    void theSchemasDurationPatternIsTheParsersSyntax() throws Exception {
        String pattern = new ObjectMapper().readTree(RunbookSchema.text()).at("/$defs/duration/pattern").asText();

        assertEquals("^" + Durations.SYNTAX + "$", pattern);
        assertTrue(Durations.hasSyntax("1h30m") && Durations.isValid("1h30m"));
        assertTrue(Durations.hasSyntax("99999999999999999d") && !Durations.isValid("99999999999999999d"),
                "written as a duration, but too long: the loader says so instead of the schema's pattern error");
    }

    @Test
    void traitPlaceholdersAreFilledOnceAndUnknownOnesStay() {
        Map<String, String> with = Map.of("name", "{other}", "other", "payments");

        assertEquals("restarts:{other}", Traits.fill("restarts:{name}", with::get),
                "a value holding {other} is not filled again");
        assertEquals("restarts:payments and {missing}", Traits.fill("restarts:{other} and {missing}", with::get));
        assertEquals("changes:truststore", Traits.fill("changes:truststore", with::get));
    }

    @Test
    void interpolationIsOnePassAndUnescapes() {
        Map<String, String> params = Map.of("a", "${params.b}", "b", "secret-ish");

        String out = Reference.substitute("x=${params.a} y=$${params.b} z=${params.none}",
                r -> r.kind().equals("params") ? params.get(r.name()) : null);

        assertEquals("x=${params.b} y=${params.b} z=${params.none}", out);
        assertFalse(out.contains("secret-ish"), "a value is never expanded a second time");
    }
}
