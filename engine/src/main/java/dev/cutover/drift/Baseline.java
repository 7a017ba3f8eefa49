package dev.cutover.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.cutover.runbook.Runbook;

import dev.cutover.spi.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A baseline: one environment's facts saved as YAML next to the runbook, so the expected state of
 * production is reviewed and versioned like code. Outputs are stored as the steps reported them
 * (already masked), so a baseline never holds a secret.
 */
public final class Baseline {
    static final String KIND = "drift-baseline";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private Baseline() {
    }

    /** Writes {@code facts} to {@code file} (atomically: a temporary file, then a rename). */
    public static void write(Path file, Runbook rb, EnvironmentFacts facts, Instant captured) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "cutover/v1");
        doc.put("kind", KIND);
        doc.put("runbook", rb.name());
        doc.put("runbook_sha256", rb.sha256());
        doc.put("environment", facts.name());
        doc.put("captured", captured.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        doc.put("source", facts.source());
        Map<String, Object> steps = new LinkedHashMap<>();
        for (StepFact s : facts.steps().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", s.status());
            if (!s.message().isEmpty()) {
                m.put("message", s.message());
            }
            m.put("outputs", s.outputs());
            steps.put(s.stepId(), m);
        }
        doc.put("facts", steps);
        String text = "# cutover drift baseline: the expected facts of environment '" + facts.name() + "' for runbook '"
                + rb.name() + "'.\n# Compare: cutover drift RUNBOOK --env " + facts.name() + " --baseline "
                + file.getFileName() + "    Refresh: add --save (and review the diff before committing).\n"
                + YAML.writeValueAsString(doc);
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        AtomicFiles.writeString(abs, text, AtomicFiles.OWNER_ONLY);
    }

    /**
     * Reads a baseline; its facts are labelled {@code baseline}.
     *
     * @throws IOException when the file cannot be read or is not a baseline; the message says which
     */
    public static EnvironmentFacts read(Path file) throws IOException {
        Object parsed;
        try {
            parsed = YAML.readValue(Files.readString(file, StandardCharsets.UTF_8), Object.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not valid YAML: " + e.getOriginalMessage());
        }
        if (!(parsed instanceof Map<?, ?> doc) || !KIND.equals(doc.get("kind"))
                || !(doc.get("facts") instanceof Map<?, ?> facts)) {
            throw new IOException(file + " is not a cutover drift baseline (expected 'kind: " + KIND
                    + "' and 'facts:'); create one with --baseline FILE --save");
        }
        Map<String, StepFact> steps = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : facts.entrySet()) {
            String id = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof Map<?, ?> m)) {
                throw new IOException(file + ": fact '" + id + "' is not a map of status and outputs");
            }
            Map<String, Object> outputs = new LinkedHashMap<>();
            if (m.get("outputs") instanceof Map<?, ?> o) {
                o.forEach((k, v) -> outputs.put(String.valueOf(k), v));
            }
            steps.put(id, new StepFact(id, String.valueOf(m.get("status")),
                    m.get("message") == null ? "" : String.valueOf(m.get("message")), outputs));
        }
        return new EnvironmentFacts("baseline", "baseline " + file.getFileName() + " (" + doc.get("environment")
                + ", captured " + doc.get("captured") + ")", steps);
    }
}
