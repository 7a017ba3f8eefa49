package dev.cutover.cli;

import dev.cutover.report.Printable;
import dev.cutover.run.HostResult;
import dev.cutover.runbook.Fleet;
import dev.cutover.runbook.HostBlock;
import dev.cutover.runbook.Runbook;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fleet on the console: the hosts a run would touch, batch by batch, and where each host ended. */
final class FleetRendering {
    private FleetRendering() {
    }

    /** {@code validate}: each hosts block with its rollout and its batches. */
    static void printBatches(PrintWriter out, Runbook rb, Fleet fleet) {
        for (HostBlock b : rb.blocks()) {
            List<List<String>> batches = fleet.batches(b);
            out.println("hosts block '" + b.id() + "' (" + b.rolling().describe() + "): " + fleet.hostsOf(b).size()
                    + " host(s) in " + batches.size() + " batch(es)");
            for (int i = 0; i < batches.size(); i++) {
                out.println("  batch " + (i + 1) + (i == 0 && b.rolling().canary() > 0 ? " (canary)" : "") + ": "
                        + String.join(", ", batches.get(i)));
            }
        }
        out.flush();
    }

    static List<Map<String, Object>> batchesJson(Runbook rb, Fleet fleet) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (HostBlock b : rb.blocks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("block", b.id());
            m.put("rolling", b.rolling().describe());
            m.put("batches", fleet.batches(b));
            out.add(m);
        }
        return out;
    }

    /** The final host table: host, how it ended, why. */
    static void printHostTable(PrintWriter out, List<HostResult> hosts) {
        if (hosts.isEmpty()) {
            return;
        }
        int w = Math.max(4, hosts.stream().mapToInt(h -> h.host().length()).max().orElse(4));
        out.println();
        out.println(String.format("%-" + w + "s  %-12s  %s", "host", "state", "detail"));
        for (HostResult h : hosts) {
            out.println(String.format("%-" + w + "s  %-12s  %s", Printable.line(h.host()), h.state().label(),
                    Console.firstLine(h.detail())));
        }
    }
}
