package dev.cutover.report;

import dev.cutover.journal.JournalEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet part of a report, read from the journal's events that carry a {@code host}: for each host,
 * where it ended, what happened to each of its steps (the host × step grid), and its own timeline.
 */
final class HostGrid {
    private HostGrid() {
    }

    static List<RunReport.HostView> of(List<JournalEvent> events) {
        String start = events.isEmpty() ? null : events.get(0).time();
        Map<String, Map<String, List<String>>> cells = new LinkedHashMap<>();
        Map<String, List<RunReport.HostEvent>> timelines = new LinkedHashMap<>();
        Map<String, String> states = new LinkedHashMap<>();
        for (JournalEvent e : events) {
            String host = e.fleetHost();
            if (host == null) {
                continue;
            }
            cells.computeIfAbsent(host, h -> new LinkedHashMap<>());
            states.putIfAbsent(host, "not reached");
            String outcome = outcome(e);
            timelines.computeIfAbsent(host, h -> new ArrayList<>()).add(new RunReport.HostEvent(e.seq(),
                    RunReport.millisBetween(start, e.time()), e.section(), e.step(), e.event(), outcome,
                    e.dataString("error")));
            switch (e.event()) {
                case "host.unreachable" -> states.put(host, "unreachable");
                case "host.rollback_finished" -> states.put(host, Boolean.TRUE.equals(e.data().get("ok"))
                        ? "rolled back" : "in doubt");
                case "step.intent" -> states.put(host, "in doubt"); // until the step's outcome says otherwise
                case "step.succeeded", "step.unchanged", "step.failed" -> {
                    if ("steps".equals(e.section()) && !Boolean.TRUE.equals(e.data().get("will_retry"))) {
                        states.put(host, e.event().equals("step.failed") ? "failed" : "succeeded");
                    }
                }
                default -> {
                    // other events only add to the timeline
                }
            }
            if (e.step() != null && outcome != null && !"revalidate".equals(e.section())) {
                List<String> c = cells.get(host).computeIfAbsent(e.step(), s -> new ArrayList<>());
                if (c.isEmpty() || !c.get(c.size() - 1).equals(outcome)) {
                    c.add(outcome);
                }
            }
        }
        List<RunReport.HostView> out = new ArrayList<>();
        cells.forEach((host, steps) -> {
            Map<String, String> grid = new LinkedHashMap<>();
            steps.forEach((step, outcomes) -> grid.put(step, String.join(" → ", outcomes)));
            out.add(new RunReport.HostView(host, states.get(host), grid, List.copyOf(timelines.get(host))));
        });
        return out;
    }

    /** What an event says happened to a host's step, or null for events that do not end anything. */
    private static String outcome(JournalEvent e) {
        boolean undo = "undo".equals(e.section());
        return switch (e.event()) {
            case "step.succeeded" -> undo ? "undone" : "ok";
            case "step.unchanged" -> undo ? "undone" : "steps".equals(e.section()) ? "unchanged" : "ok";
            case "step.failed" -> Boolean.TRUE.equals(e.data().get("will_retry")) ? null : undo ? "undo failed"
                    : "failed";
            case "step.skipped" -> "skipped";
            case "undo.succeeded" -> "undone";
            case "undo.failed" -> "undo failed";
            case "undo.skipped" -> "kept";
            case "host.connected" -> "connected";
            case "host.unreachable" -> "unreachable";
            case "host.key_accepted" -> "host key accepted";
            case "host.rollback_finished" -> Boolean.TRUE.equals(e.data().get("ok")) ? "rolled back" : "in doubt";
            default -> null;
        };
    }

    /** The step ids of the grid's columns, in the order they first appear. */
    static List<String> columns(List<RunReport.HostView> hosts) {
        List<String> cols = new ArrayList<>();
        hosts.forEach(h -> h.steps().keySet().forEach(s -> {
            if (!cols.contains(s)) {
                cols.add(s);
            }
        }));
        return cols;
    }
}
