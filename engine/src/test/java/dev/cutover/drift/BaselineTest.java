package dev.cutover.drift;

import dev.cutover.runbook.Runbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BaselineTest {
    @TempDir
    Path dir;

    private static Runbook runbook() {
        return new Runbook("rds-ca-rotation", "", Map.of(), List.of(), List.of(), List.of(), List.of(), null, "abc");
    }

    @Test
    void roundTripKeepsEveryFactAndComparesEqual() throws IOException {
        Map<String, Object> outputs = new LinkedHashMap<>(DriftComparerTest.store("/srv/p.p12", "PKCS12", List.of(
                DriftComparerTest.entry("a", DriftComparerTest.G1, "6F:7E"),
                DriftComparerTest.entry("b", DriftComparerTest.ROOT_2019, "F2:54"))));
        outputs.put("version_like", "1.10");
        outputs.put("flag", true);
        EnvironmentFacts prod = DriftComparerTest.env("prod", DriftComparerTest.ok("truststore", outputs),
                new StepFact("has-g1", StepFact.FAILED, "missing 1 certificate", Map.of("missing", List.of("G1"))));
        Path file = dir.resolve("baselines/prod.yaml");
        Baseline.write(file, runbook(), prod, Instant.parse("2026-11-26T10:00:00Z"));

        String text = Files.readString(file);
        assertTrue(text.startsWith("# cutover drift baseline"), text);
        assertTrue(text.contains("kind: drift-baseline") && text.contains("environment: prod"), text);
        EnvironmentFacts back = Baseline.read(file);
        assertEquals("baseline", back.name());
        assertTrue(back.source().contains("prod") && back.source().contains("2026-11-26T10:00:00Z"), back.source());
        DriftReport r = new DriftComparer(List.of()).compare(List.of(back, prod));
        assertEquals(List.of(), r.differences(), r.toString());
        assertTrue(r.compared() > 5);
    }

    @Test
    void rejectsAFileThatIsNotABaselineSayingHowToMakeOne() throws IOException {
        Path file = Files.writeString(dir.resolve("x.yaml"), "name: something\n");
        IOException e = assertThrows(IOException.class, () -> Baseline.read(file));
        assertTrue(e.getMessage().contains("not a cutover drift baseline") && e.getMessage().contains("--save"),
                e.getMessage());
    }
}
