package dev.cutover.cli;

import dev.cutover.drift.Difference;
import dev.cutover.drift.DriftReport;
import dev.cutover.drift.Gap;
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

    static void print(DriftReport r, Runbook rb, boolean json, PrintWriter out, PrintWriter err, Masker masker) {
        if (json) {
            JsonSummary.print(out, masker.maskValue(json(r, rb)));
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
            lines.addAll(table(r));
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

    private static List<String> table(DriftReport r) {
        int keyWidth = Math.min(KEY_WIDTH, Math.max(3, r.differences().stream()
                .mapToInt(d -> d.key().length()).max().orElse(3)));
        List<String> rows = new ArrayList<>();
        StringBuilder head = new StringBuilder(pad("KEY", keyWidth));
        for (String e : r.environments()) {
            head.append("  ").append(pad(e.toUpperCase(Locale.ROOT), VALUE_WIDTH));
        }
        rows.add(head.toString().stripTrailing());
        for (Difference d : r.differences()) {
            StringBuilder row = new StringBuilder(pad(cut(d.key(), keyWidth), keyWidth));
            for (String e : r.environments()) {
                String v = d.values().containsKey(e) ? d.values().get(e) : "(not gathered)";
                row.append("  ").append(pad(cut(v == null ? "(absent)" : v, VALUE_WIDTH), VALUE_WIDTH));
            }
            rows.add(row.toString().stripTrailing());
        }
        return rows;
    }

    private static String cut(String s, int width) {
        String one = s.replace('\n', ' ');
        return one.length() <= width ? one : one.substring(0, width - 3) + "...";
    }

    private static String pad(String s, int width) {
        return String.format("%-" + width + "s", s);
    }

    static Map<String, Object> json(DriftReport r, Runbook rb) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runbook", rb.name());
        m.put("status", status(r));
        m.put("exit_code", r.exitCode());
        m.put("environments", r.environments());
        m.put("sources", r.sources());
        m.put("compared", r.compared());
        m.put("ignored", r.ignored());
        List<Map<String, Object>> diffs = new ArrayList<>();
        for (Difference d : r.differences()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("key", d.key());
            x.put("values", d.values());
            x.put("sentence", d.sentence());
            diffs.add(x);
        }
        m.put("differences", diffs);
        List<Map<String, Object>> gaps = new ArrayList<>();
        for (Gap g : r.gaps()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("environment", g.environment());
            x.put("step", g.stepId());
            x.put("message", g.message());
            gaps.add(x);
        }
        m.put("gaps", gaps);
        return m;
    }
}
