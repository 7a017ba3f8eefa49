package dev.cutover.rehearse;

import dev.cutover.drift.Difference;
import dev.cutover.drift.DriftComparer;
import dev.cutover.drift.EnvironmentFacts;
import dev.cutover.drift.StepFact;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LeftoversTest {
    private static EnvironmentFacts facts(String name, StepFact... steps) {
        Map<String, StepFact> m = new LinkedHashMap<>();
        for (StepFact s : steps) {
            m.put(s.stepId(), s);
        }
        return Leftovers.label(name, new EnvironmentFacts("env", "run x", m));
    }

    private static Map<String, Object> entry(String cn, String sha) {
        return Map.of("alias", cn.toLowerCase(), "subject", "CN=" + cn + ",O=Bank", "sha256", sha);
    }

    private static List<String> compare(EnvironmentFacts before, EnvironmentFacts after) {
        List<Difference> d = new DriftComparer(List.of("*_ms")).compare(List.of(before, after)).differences();
        return Leftovers.describe("imp", d, List.of(), after);
    }

    @Test
    void namesTheStoreAndTheEntryLeftBehindOrTakenAway() {
        StepFact before = new StepFact("store", StepFact.OK, "", Map.of("store", "/srv/app/trust.p12",
                "entries", List.of(entry("Old CA", "aa"))));
        StepFact after = new StepFact("store", StepFact.OK, "", Map.of("store", "/srv/app/trust.p12",
                "entries", List.of(entry("New CA", "bb"))));
        assertEquals(List.of("after rollback of step imp: store trust.p12 no longer has 'Old CA' (store)",
                        "after rollback of step imp: store trust.p12 still has 'New CA' (store)"),
                compare(facts(Leftovers.BEFORE, before), facts(Leftovers.AFTER, after)));
    }

    @Test
    void aCheckThatNowFailsIsNamedWithItsMessage() {
        StepFact before = new StepFact("app-healthy", StepFact.OK, "", Map.of("status", 200));
        StepFact after = new StepFact("app-healthy", StepFact.FAILED, "connection refused\nmore", Map.of("status", 503));
        assertEquals(List.of("after rollback of step imp: check 'app-healthy' was ok before and is failed now "
                + "(connection refused ...)"), compare(facts(Leftovers.BEFORE, before), facts(Leftovers.AFTER, after)));
    }

    @Test
    void aParsedBodyIsComparedInItsParsedFormOnlyAndTimingsAreIgnored() {
        StepFact before = new StepFact("health", StepFact.OK, "", Map.of("body", "{\"status\":\"UP\",\"checked_ms\":4}",
                "json", Map.of("status", "UP", "checked_ms", 4)));
        StepFact after = new StepFact("health", StepFact.OK, "", Map.of("body", "{\"status\":\"UP\",\"checked_ms\":9}",
                "json", Map.of("status", "UP", "checked_ms", 9)));
        assertEquals(List.of(), compare(facts(Leftovers.BEFORE, before), facts(Leftovers.AFTER, after)));
        StepFact down = new StepFact("health", StepFact.OK, "", Map.of("body", "{\"status\":\"DOWN\"}",
                "json", Map.of("status", "DOWN")));
        assertEquals(List.of("after rollback of step imp: health.json.status was UP before and is DOWN now"),
                compare(facts(Leftovers.BEFORE, before), facts(Leftovers.AFTER, down)).subList(0, 1));
    }
}
