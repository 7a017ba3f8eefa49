package dev.cutover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cutover.run.RunOutcome;
import dev.cutover.run.StepOutcome;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code --output json} summary of a run (a documented, stable shape). */
final class JsonSummary {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonSummary() {
    }

    static Map<String, Object> of(RunOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", o.runId());
        m.put("status", o.status().name());
        m.put("exit_code", o.exitCode());
        m.put("run_dir", o.runDirectory().toString());
        m.put("journal", o.journal().toString());
        m.put("started", o.started().toString());
        m.put("finished", o.finished().toString());
        m.put("reason", o.reason());
        m.put("manual_actions", o.manualActions());
        if (!o.revalidation().isEmpty()) {
            m.put("revalidation", o.revalidation());
        }
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepOutcome s : o.steps()) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("id", s.id());
            st.put("section", s.section());
            st.put("status", s.status().name());
            st.put("attempts", s.attempts());
            st.put("duration_ms", s.durationMs());
            if (!s.message().isEmpty()) {
                st.put("message", s.message());
            }
            steps.add(st);
        }
        m.put("steps", steps);
        if (!o.hosts().isEmpty()) {
            m.put("hosts", o.hosts().stream().map(h -> Map.of("host", h.host(), "state", h.state().name(),
                    "detail", h.detail())).toList());
        }
        return m;
    }

    static void print(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
            out.flush();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
