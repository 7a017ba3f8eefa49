package dev.cutover.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Gantt-style SVG timeline: one row per step attempt, its background coloured by section, its bar
 * by outcome, with a time axis in offsets from the run's start. Inline, no external assets.
 */
final class GanttSvg {
    private static final int WIDTH = 960;
    private static final int LABEL = 230;
    private static final int ROW = 20;
    private static final int TOP = 28;

    static final Map<String, String> SECTION_COLOURS = new LinkedHashMap<>();
    static final Map<String, String> OUTCOME_COLOURS = new LinkedHashMap<>();

    static {
        SECTION_COLOURS.put("preflight", "#e3f2fd");
        SECTION_COLOURS.put("steps", "#f1f8e9");
        SECTION_COLOURS.put("validate", "#fff8e1");
        SECTION_COLOURS.put("undo", "#fce4ec");
        SECTION_COLOURS.put("rollback", "#f3e5f5");
        SECTION_COLOURS.put("revalidate", "#e0f2f1");
        OUTCOME_COLOURS.put("ok", "#2e7d32");
        OUTCOME_COLOURS.put("unchanged", "#7cb342");
        OUTCOME_COLOURS.put("failed, retrying", "#ef6c00");
        OUTCOME_COLOURS.put("failed", "#c62828");
        OUTCOME_COLOURS.put("undone", "#6a1b9a");
        OUTCOME_COLOURS.put("undo failed", "#b71c1c");
        OUTCOME_COLOURS.put("planned", "#1565c0");
        OUTCOME_COLOURS.put("other", "#757575");
    }

    private GanttSvg() {
    }

    /** Whether an outcome is a failure that must stand out (a failed step, a failed undo, no outcome). */
    static boolean failure(String outcome) {
        return outcome != null && (outcome.equals("failed") || outcome.equals("undo failed")
                || outcome.equals("in doubt") || outcome.equals("no outcome recorded"));
    }

    static String render(List<RunReport.Span> spans, Long runDurationMs) {
        long total = Math.max(1, runDurationMs == null ? 0 : runDurationMs);
        for (RunReport.Span s : spans) {
            total = Math.max(total, s.endMs());
        }
        int plot = WIDTH - LABEL - 20;
        int height = TOP + spans.size() * ROW + 56;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
                .append("<title>Timeline: ").append(spans.size()).append(" step attempts over ")
                .append(Doc.escape(RunReport.duration(total))).append("</title>\n");
        for (int i = 0; i <= 4; i++) {
            double x = LABEL + plot * i / 4.0;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#bbb\" "
                    + "stroke-dasharray=\"2,3\"/>%n", x, TOP - 6, x, TOP + spans.size() * ROW));
            sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">"
                    + "%s</text>%n", x, TOP - 10, i == 4 ? "end" : "middle", RunReport.offset(total * i / 4)));
        }
        int y = TOP;
        for (RunReport.Span s : spans) {
            String section = s.section() == null ? "" : s.section();
            sb.append(String.format(Locale.ROOT, "<rect class=\"section-band\" x=\"0\" y=\"%d\" width=\"%d\" "
                    + "height=\"%d\" fill=\"%s\"/>%n", y, WIDTH, ROW, SECTION_COLOURS.getOrDefault(section, "#fafafa")));
            String label = section + " / " + s.step() + (s.attempt() != null && s.attempt() > 1 ? " #" + s.attempt() : "");
            String shown = label.length() > 36 ? label.substring(0, 35) + "…" : label;
            sb.append(String.format(Locale.ROOT, "<text class=\"%s\" x=\"6\" y=\"%d\">%s</text>%n",
                    failure(s.outcome()) ? "label failed" : "label", y + 14, Doc.escape(shown)));
            double x = LABEL + (double) plot * s.startMs() / total;
            double w = Math.max(2, (double) plot * (s.endMs() - s.startMs()) / total);
            String colour = OUTCOME_COLOURS.getOrDefault(s.outcome(), OUTCOME_COLOURS.get("other"));
            if (failure(s.outcome())) {
                sb.append(String.format(Locale.ROOT, "<rect class=\"failed-row\" x=\"0\" y=\"%d\" width=\"%d\" "
                        + "height=\"%d\" fill=\"none\" stroke=\"#b71c1c\" stroke-width=\"1.5\"/>%n", y, WIDTH, ROW));
            }
            sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-section=\"%s\" data-step=\"%s\" "
                            + "data-outcome=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\">"
                            + "<title>%s: %s, %s at +%s</title></rect>%n", Doc.escape(section), Doc.escape(s.step()),
                    Doc.escape(s.outcome()), x, y + 4, w, ROW - 8, colour, Doc.escape(label), Doc.escape(s.outcome()),
                    RunReport.duration(s.endMs() - s.startMs()), RunReport.offset(s.startMs())));
            y += ROW;
        }
        y += 18;
        int lx = 6;
        for (Map.Entry<String, String> en : OUTCOME_COLOURS.entrySet()) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, y, en.getValue(), lx + 14, y + 9, en.getKey()));
            lx += 20 + en.getKey().length() * 6;
        }
        y += 20;
        lx = 6;
        for (Map.Entry<String, String> en : SECTION_COLOURS.entrySet()) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\" "
                    + "stroke=\"#999\"/><text x=\"%d\" y=\"%d\">%s</text>%n", lx, y, en.getValue(), lx + 14, y + 9,
                    en.getKey()));
            lx += 24 + en.getKey().length() * 6;
        }
        return sb.append("</svg>").toString();
    }
}
