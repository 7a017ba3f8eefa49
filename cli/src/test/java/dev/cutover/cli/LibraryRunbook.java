package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One library runbook under test: its commands with an environment named "it", and the rehearsal's proof. */
record LibraryRunbook(Path runbook, Path stateDir, Map<String, String> secretEnv) {

    /** {@code cutover COMMAND RUNBOOK --env it --state-dir DIR [--operator it] MORE...} with the secrets' env. */
    CliRun cutover(String command, String... more) {
        List<String> args = new ArrayList<>(List.of(command, runbook.toString(), "--env", "it", "--state-dir",
                stateDir.toString()));
        if (command.equals("run") || command.equals("rehearse")) {
            args.addAll(List.of("--operator", "it"));
        }
        args.addAll(List.of(more));
        return CliRun.withEnv(secretEnv, args.toArray(String[]::new));
    }

    /**
     * Runs {@code rehearse --fail-each} and asserts every rollback was proven (ROLLED_BACK, facts restored), at
     * exactly {@code injectedAt}, with no secret in any journal or on the console.
     */
    void assertRehearsalProven(List<String> injectedAt, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--fail-each", "--output", "json"));
        args.addAll(List.of(more));
        CliRun r = cutover("rehearse", args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.all());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("PROVEN", json.get("status").asText(), r.out());
        List<String> injected = new ArrayList<>();
        Collection<String> secrets = secretEnv.values();
        for (JsonNode a : json.get("attempts")) {
            injected.add(a.get("injected_at").asText());
            assertEquals("ROLLED_BACK", a.get("status").asText(), a.toString());
            assertTrue(a.get("facts_restored").asBoolean(), a.toString());
            String journal = Files.readString(Path.of(a.get("journal").asText()));
            secrets.forEach(s -> assertFalse(journal.contains(s), "a secret reached the journal"));
        }
        assertEquals(injectedAt, injected);
        secrets.forEach(s -> assertFalse(r.all().contains(s), "a secret reached the console"));
    }
}
