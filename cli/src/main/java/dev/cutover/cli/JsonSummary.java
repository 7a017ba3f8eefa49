package dev.cutover.cli;

import dev.cutover.report.JsonOutput;
import dev.cutover.run.RunOutcome;
import dev.cutover.run.StepOutcome;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * How the CLI prints JSON ({@code --output json}): one record per output, serialised by the one configured
 * mapper ({@link JsonOutput}: snake_case names in component order, every field present, {@code null} when it
 * has no value, instants ISO-8601 UTC). The schemas are in docs/schemas/; golden-file tests check them.
 */
final class JsonSummary {
    private JsonSummary() {
    }

    /**
     * The summary of a run ({@code run}, {@code plan}, {@code resume}, {@code rollback}), schema
     * docs/schemas/run-summary.schema.json.
     *
     * @param revalidation after a rollback, what proved the system back; null when nothing rolled back
     */
    record RunSummary(String runId, String status, int exitCode, Path runDir, Path journal, Instant started,
                      Instant finished, String reason, List<String> manualActions, String revalidation,
                      List<Step> steps,
                      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                      List<Host> hosts) {
    }

    /**
     * One step, undo or check of a run, in the order it ran.
     *
     * @param message its error or note; null when it has none
     */
    record Step(String id, String section, String status, int attempts, long durationMs, String message) {
    }

    /** A fleet host and where it ended (present only for a run with {@code hosts:} blocks). */
    record Host(String host, String state, String detail) {
    }

    static RunSummary of(RunOutcome o) {
        return new RunSummary(o.runId(), o.status().name(), o.exitCode(), o.runDirectory(), o.journal(), o.started(),
                o.finished(), o.reason(), o.manualActions(), emptyToNull(o.revalidation()),
                o.steps().stream().map(JsonSummary::step).toList(),
                o.hosts().stream().map(h -> new Host(h.host(), h.state().name(), h.detail())).toList());
    }

    private static Step step(StepOutcome s) {
        return new Step(s.id(), s.section(), s.status().name(), s.attempts(), s.durationMs(),
                emptyToNull(s.message()));
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Prints one output, indented, and a line break. */
    static void print(PrintWriter out, Object value) {
        out.println(JsonOutput.pretty(value));
        out.flush();
    }
}
