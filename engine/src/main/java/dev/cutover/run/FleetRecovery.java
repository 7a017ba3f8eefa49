package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.runbook.Runbook;
import dev.cutover.spi.ProbeResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resume and later rollback of a run with {@code hosts:} blocks: each host the run changed is rebuilt from its
 * own events (those carrying its {@code host}) — its completed changes, what it already undid, and the step
 * it was in when the run stopped, which is in doubt until its probe (on that host) or the operator decides.
 */
final class FleetRecovery {
    private final Recovery recovery;
    private final RunState state;
    private final Runbook rb;
    private final String runId;

    FleetRecovery(Recovery recovery, RunState state, Runbook rb, String runId) {
        this.recovery = recovery;
        this.state = state;
        this.rb = rb;
        this.runId = runId;
    }

    /** The run's own events (no host's): what the global {@link JournalState} is built from. */
    static List<JournalEvent> globalEvents(List<JournalEvent> events) {
        return events.stream().filter(e -> e.fleetHost() == null).toList();
    }

    /**
     * Restores every host the run changed and the blocks that ran; returns whether any host was changed.
     *
     * @param resolver decides a step in doubt that no probe can decide; null: a later rollback (none in doubt)
     * @param global   the run's own state, for the blocks' place among the global changes
     * @param record   what resume journals ({@code hosts_in_doubt}, {@code hosts_restored})
     * @throws Recovery.RefusedException when a host cannot be reached or its step in doubt cannot be decided
     */
    boolean restore(List<JournalEvent> events, InDoubtResolver resolver, JournalState global,
                    Map<String, Object> record) throws Recovery.RefusedException {
        Map<String, List<JournalEvent>> byHost = new LinkedHashMap<>();
        for (JournalEvent e : events) {
            String h = e.fleetHost();
            if (h != null) {
                byHost.computeIfAbsent(h, x -> new ArrayList<>(List.of(events.get(0)))).add(e);
            }
        }
        placeBlocks(events);
        List<String> restored = new ArrayList<>();
        Map<String, String> decided = new LinkedHashMap<>();
        for (Map.Entry<String, List<JournalEvent>> e : byHost.entrySet()) {
            String host = e.getKey();
            boolean changed = e.getValue().stream().anyMatch(x -> x.event().equals("step.intent")
                    && "steps".equals(x.section()));
            if (!changed) {
                continue;
            }
            JournalState hjs = new JournalState(e.getValue());
            RunState hs;
            try {
                hs = state.fleet().reconnect(host);
            } catch (IOException ex) {
                throw new Recovery.RefusedException(state.masker().mask(ex.getMessage()) + "; the run changed it, so "
                        + "it cannot be left out: make it reachable, then resume again");
            }
            recovery.restore(hs, hjs, rb);
            hs.completed().removeIf(x -> hjs.undone.contains(x.step().id()));
            stopLeftovers(host, hjs);
            if (hjs.inDoubt != null) {
                ProbeResult r;
                Journal.onHost(host);
                try {
                    r = recovery.decide(hs, hjs.inDoubt, rb, resolver == null ? (id, uses) -> ProbeResult.UNKNOWN
                            : resolver);
                } finally {
                    Journal.onHost(null);
                }
                decided.put(host, hjs.inDoubt.stepId() + ": " + r.name());
                if (r == ProbeResult.UNKNOWN) {
                    throw new Recovery.RefusedException("host '" + host + "': step '" + hjs.inDoubt.stepId() + "' is "
                            + "in doubt: its intent was journaled but not its outcome, and no probe can tell whether it "
                            + "took effect on the host. Check the host, then rerun with --assume done or --assume "
                            + "not-done");
                }
                if (r == ProbeResult.DONE && hs.completed().stream()
                        .noneMatch(x -> x.step().id().equals(hjs.inDoubt.stepId()))) {
                    recovery.addCompleted(hs, rb, hjs.inDoubt, Map.of());
                }
            }
            if (hs.completed().isEmpty()) {
                state.fleet().nothingToUndo(host, hjs.inDoubt == null ? "its changes were already undone"
                        : "nothing to undo: step '" + hjs.inDoubt.stepId() + "' had not taken effect");
            }
            restored.add(host);
        }
        record.put("hosts_restored", restored);
        if (!decided.isEmpty()) {
            record.put("hosts_in_doubt", decided);
        }
        return !restored.isEmpty();
    }

    /** Each block that ran, after how many of the run's own changes had been made (its place in the undo order). */
    private void placeBlocks(List<JournalEvent> events) {
        int globalIntents = 0;
        java.util.Set<String> placed = new java.util.HashSet<>();
        for (JournalEvent e : events) {
            if (e.fleetHost() == null && e.event().equals("step.intent") && "steps".equals(e.section())) {
                globalIntents++;
            }
            if (e.event().equals("batch.started") && placed.add(e.dataString("block"))) {
                state.fleet().ranBefore(e.dataString("block"), globalIntents);
            }
        }
    }

    /** Kills what the host's step (or undo) in progress left running here ({@code transport: local}). */
    private void stopLeftovers(String host, JournalState hjs) {
        List<String> tags = new ArrayList<>();
        if (hjs.inDoubt != null) {
            tags.add(dev.cutover.spi.ChildProcesses.tag(runId, hjs.inDoubt.stepId() + "@" + host));
        }
        if (hjs.undoInProgress != null) {
            tags.add(dev.cutover.spi.ChildProcesses.tag(runId, hjs.undoInProgress + "@" + host, "undo"));
        }
        for (String tag : tags) {
            dev.cutover.spi.ChildProcesses.Stopped s = dev.cutover.spi.ChildProcesses.killTagged(tag);
            if (s.any()) {
                state.rc().listener().hostNote(host, "resume", "stopped a process left by the crashed run: "
                        + s.describe());
            }
        }
    }
}
