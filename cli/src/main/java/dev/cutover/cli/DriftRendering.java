package dev.cutover.cli;

import dev.cutover.drift.Difference;
import dev.cutover.drift.DriftReport;
import dev.cutover.drift.Gap;
import dev.cutover.report.TextTable;
import dev.cutover.runbook.Runbook;
import dev.cutover.secrets.Masker;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a drift report: plain sentences and a table (key, one column per environment), or JSON. */
final class DriftRendering {
    private static final int KEY_WIDTH = 72;
    private static final int VALUE_WIDTH = 30;

    private DriftRendering() {
    }

    /**
     * What {@code drift --output json} prints (docs/schemas/drift.schema.json), secrets masked.
     *
     * @param status MATCH, DRIFT or INCOMPLETE
     */
    record Json(String runbook, String status, int exitCode, List<String> environments, List<String> sources,
                int compared, List<String> ignored, List<DifferenceJson> differences, List<GapJson> gaps) {
    }

    /**
     * One fact that differs.
     *
     * @param values each environment's value, in the order the environments were given; null when absent
     */
    record DifferenceJson(String key, Map<String, String> values, String sentence) {
    }

    /** A step whose facts could not be gathered in one environment. */
    record GapJson(String environment, String step, String message) {
    }

    /** What {@code drift --baseline F --save --output json} prints (docs/schemas/drift-baseline.schema.json). */
    record Saved(java.nio.file.Path baseline, String environment, int facts, int exitCode) {
    }

    static void print(DriftReport r, Runbook rb, boolean json, PrintWriter out, PrintWriter err, Masker masker) {
        if (json) {
            JsonSummary.print(out, json(r, rb, masker));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Drift: " + rb.name() + ", " + String.join(" vs ", r.environments()) + " (" + r.compared()
                + " facts compared" + (r.ignored().isEmpty() ? "" : "; ignoring " + String.join(", ", r.ignored()))
                + ")");
        for (int i = 0; i < r.environments().size(); i++) {
            lines.add("  " + r.environments().get(i) + ": " + r.sources().get(i));
        }
        lines.add("");
        if (r.differences().isEmpty()) {
            lines.add(r.gaps().isEmpty() ? "No differences." : "No differences in the facts that were gathered.");
        } else {
            lines.add(r.differences().size() == 1 ? "1 difference:" : r.differences().size() + " differences:");
            for (Difference d : r.differences()) {
                lines.add("  - " + d.sentence());
            }
            lines.add("");
            lines.addAll(table(r, masker));
        }
        if (!r.gaps().isEmpty()) {
            lines.add("");
            for (Gap g : r.gaps()) {
                lines.add(g.render());
            }
        }
        lines.add("");
        lines.add(status(r) + " (exit " + r.exitCode() + ")" + (r.gaps().isEmpty() ? ""
                : ": fix access to the environment(s) above, or their facts are not compared"));
        for (String l : lines) {
            out.println(dev.cutover.report.Printable.text(masker.mask(l)));
        }
        out.flush();
        err.flush();
    }

    private static String status(DriftReport r) {
        return switch (r.exitCode()) {
            case 0 -> "MATCH";
            case 1 -> "DRIFT";
            default -> "INCOMPLETE";
        };
    }

    private static List<String> table(DriftReport r, Masker masker) {
        List<String> headers = new ArrayList<>(List.of("KEY"));
        r.environments().forEach(e -> headers.add(e.toUpperCase(Locale.ROOT)));
        TextTable table = TextTable.of(headers.toArray(String[]::new)).max(0, KEY_WIDTH);
        for (int i = 1; i < headers.size(); i++) {
            table.max(i, VALUE_WIDTH);
        }
        for (Difference d : r.differences()) {
            List<String> row = new ArrayList<>(List.of(masker.mask(d.key())));
            for (String e : r.environments()) {
                String v = d.values().containsKey(e) ? d.values().get(e) : "(not gathered)";
                row.add(v == null ? "(absent)" : masker.mask(v));
            }
            table.row(row.toArray());
        }
        return table.lines();
    }

    static Json json(DriftReport r, Runbook rb, Masker masker) {
        return new Json(masker.mask(rb.name()), status(r), r.exitCode(), mask(r.environments(), masker),
                mask(r.sources(), masker), r.compared(), mask(r.ignored(), masker),
                r.differences().stream().map(d -> new DifferenceJson(masker.mask(d.key()), mask(d.values(), masker),
                        masker.mask(d.sentence()))).toList(),
                r.gaps().stream().map(g -> new GapJson(masker.mask(g.environment()), masker.mask(g.stepId()),
                        masker.mask(g.message()))).toList());
    }

    private static List<String> mask(List<String> values, Masker masker) {
        return values.stream().map(v -> v == null ? null : masker.mask(v)).toList();
    }

    private static Map<String, String> mask(Map<String, String> values, Masker masker) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(masker.mask(k), v == null ? null : masker.mask(v)));
        return out;
    }
}
