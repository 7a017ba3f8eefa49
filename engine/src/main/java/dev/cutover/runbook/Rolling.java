package dev.cutover.runbook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@code hosts:} block rolls out: a canary batch first, then batches of a fixed size or a share of
 * the hosts; how many hosts may fail; the pause between batches; and what a stopped rollout rolls back.
 *
 * @param batch        hosts per batch (used when {@code batchPercent} is 0); default 1
 * @param batchPercent hosts per batch as a percentage of the block's hosts (rounded up, at least 1); 0: unused
 * @param canary       hosts in a first batch of their own; default 0 (none)
 * @param maxFailed    hosts that may fail (each rolled back on its own) before the rollout stops; default 0
 * @param pause        wait between batches; default none
 * @param rollbackAll  when the rollout stops: true (default, {@code rollback: all}) rolls back every batch
 *                     and the changes made before the block; false ({@code failed-batch}) only the batch
 *                     that failed
 */
public record Rolling(int batch, int batchPercent, int canary, int maxFailed, Duration pause, boolean rollbackAll) {

    /** One host per batch, no canary, no failure tolerated, no pause, everything rolled back. */
    public static final Rolling DEFAULT = new Rolling(1, 0, 0, 0, Duration.ZERO, true);

    public Rolling {
        pause = pause == null ? Duration.ZERO : pause;
    }

    /** The hosts, cut into batches in order: the canary batch (if any) first. */
    public List<List<String>> batches(List<String> hosts) {
        List<List<String>> out = new ArrayList<>();
        int at = 0;
        if (canary > 0 && !hosts.isEmpty()) {
            int n = Math.min(canary, hosts.size());
            out.add(List.copyOf(hosts.subList(0, n)));
            at = n;
        }
        int size = batchPercent > 0 ? Math.max(1, (hosts.size() * batchPercent + 99) / 100) : Math.max(1, batch);
        while (at < hosts.size()) {
            int n = Math.min(size, hosts.size() - at);
            out.add(List.copyOf(hosts.subList(at, at + n)));
            at += n;
        }
        return out;
    }

    /** As a user would write it. */
    public String describe() {
        return "batch " + (batchPercent > 0 ? batchPercent + "%" : String.valueOf(batch))
                + (canary > 0 ? ", canary " + canary : "") + ", max_failed " + maxFailed
                + (pause.isZero() ? "" : ", pause " + dev.cutover.spi.Durations.format(pause))
                + ", rollback " + (rollbackAll ? "all" : "failed-batch");
    }
}
