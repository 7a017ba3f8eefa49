package dev.cutover.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonOutputTest {
    record Sample(String runId, Integer badLine, Instant started, Path runDir, List<String> manualActions,
                  Map<String, Object> params) {
    }

    private static Sample sample() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("zeta", 1);
        params.put("alpha", null);
        return new Sample("r-1", null, Instant.parse("2026-11-26T15:43:46Z"), Path.of("/var/runs/r-1"), List.of(),
                params);
    }

    @Test
    void recordsAreSnakeCaseInComponentOrderWithNullsPresentMillisecondTimesAndPlainPaths() {
        assertEquals("{\"run_id\":\"r-1\",\"bad_line\":null,\"started\":\"2026-11-26T15:43:46.000Z\","
                + "\"run_dir\":\"/var/runs/r-1\",\"manual_actions\":[],\"params\":{\"zeta\":1,\"alpha\":null}}",
                JsonOutput.compact(sample()));
    }

    @Test
    void prettyIsTheSameValueIndentedWithoutATrailingLineBreak() throws Exception {
        String pretty = JsonOutput.pretty(sample());
        assertEquals("{\n  \"run_id\" : \"r-1\",", pretty.substring(0, pretty.indexOf('\n', 2)));
        assertEquals('}', pretty.charAt(pretty.length() - 1));
        ObjectMapper plain = new ObjectMapper();
        assertEquals(plain.readTree(JsonOutput.compact(sample())), plain.readTree(pretty));
    }

    @Test
    void instantsAreUtcWithExactlyThreeFractionDigits() {
        record T(Instant t) {
        }
        assertEquals("{\"t\":\"2026-11-26T15:43:46.518Z\"}",
                JsonOutput.compact(new T(Instant.parse("2026-11-26T15:43:46.518123456Z"))));
    }
}
