package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.runbook.Fleet;
import dev.cutover.runbook.HostBlock;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import dev.cutover.spi.Durations;
import dev.cutover.spi.Host;
import dev.cutover.spi.HostConnector;
import dev.cutover.spi.HostSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a runbook's {@code hosts:} blocks: reaches every host and runs the blocks' preflight checks on each
 * before anything changes anywhere; then, block by block, batch by batch (the canary first, at most
 * {@code forks} hosts at once), each host's steps and, after the batch, its checks. A host that fails is
 * rolled back on its own (its changes in reverse order, then its checks again) while the failures stay
 * within {@code max_failed}; beyond, the whole failed batch is rolled back and the rollout stops: with
 * {@code rollback: all} the run's rollback then undoes the earlier batches (and the changes before the
 * block) in reverse order; with {@code failed-batch} they keep the change. Hosts never reached are never
 * touched. Every journal event of a host's step carries its {@code host}.
 */
final class FleetRun {
    private final RunState global;
    private final Fleet fleet;
    private final Connectors connectors;
    private final Map<String, HostRun> hosts = new LinkedHashMap<>();
    /** The blocks that ran, with how many global changes had completed before each. */
    private final List<Ran> ran = new ArrayList<>();
    private final HostPool pool;
    private boolean keepEarlierBatches;
    /** Undos that failed on hosts while the rollout ran (the run's rollback starts from these). */
    private final List<String> undoProblems = Collections.synchronizedList(new ArrayList<>());
    /** Hosts rolled back and proven back by their checks; rolled back with nothing to check. */
    private final java.util.concurrent.atomic.AtomicInteger proven = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger unchecked = new java.util.concurrent.atomic.AtomicInteger();

    /** One fleet host in this run. */
    private static final class HostRun {
        final HostSpec spec;
        volatile Host host;
        volatile StepRunner runner;
        volatile RunState state;
        volatile HostResult.State result = HostResult.State.NOT_REACHED;
        volatile String detail = "";

        HostRun(HostSpec spec) {
            this.spec = spec;
        }
    }

    /** A block that ran, and how many global changes had completed before it (its place in the undo order). */
    private static final class Ran {
        final HostBlock block;
        final int checkpoint;
        boolean undone;

        Ran(HostBlock block, int checkpoint) {
            this.block = block;
            this.checkpoint = checkpoint;
        }
    }

    FleetRun(RunState global, Connectors connectors) {
        this.global = global;
        this.fleet = global.options().fleet();
        this.connectors = connectors;
        for (HostSpec h : fleet.allHosts()) {
            hosts.put(h.name(), new HostRun(h));
        }
        int forks = Math.max(1, Math.min(fleet.inventory().forks(), Math.max(1, hosts.size())));
        this.pool = new HostPool(forks, global.masker());
    }

    private RunContext rc() {
        return global.rc();
    }

    private Journal journal() {
        return rc().journal();
    }

    /**
     * Reaches every host (one connection each, kept for the run) and runs each block's preflight checks on
     * its hosts. Returns the failure (the run then ends PREFLIGHT_FAILED, nothing changed anywhere), or null.
     */
    String preflight() {
        if (hosts.isEmpty()) {
            return "this runbook has hosts: blocks, but this run was given no hosts (an environment with an inventory "
                    + "is needed; rehearse and drift do not run fleets yet); nothing was changed";
        }
        rc().listener().sectionStarted("hosts");
        Map<String, String> unreachable = parallel(List.copyOf(hosts.keySet()), this::connect);
        if (!unreachable.isEmpty()) {
            List<String> why = new ArrayList<>();
            unreachable.forEach((h, e) -> why.add(h + " (" + e + ")"));
            return "cannot reach " + unreachable.size() + " of " + hosts.size() + " host(s): " + String.join("; ", why)
                    + "; nothing was changed on any host";
        }
        for (HostBlock b : global.runbook().blocks()) {
            if (b.preflight().isEmpty()) {
                continue;
            }
            Map<String, String> failed = parallel(names(b), h -> hosts.get(h).state.runSection(Section.PREFLIGHT,
                    "preflight", b.preflight(), true));
            if (!failed.isEmpty()) {
                Map.Entry<String, String> first = failed.entrySet().iterator().next();
                return "host '" + first.getKey() + "': " + first.getValue() + (failed.size() > 1 ? " (and "
                        + (failed.size() - 1) + " more host(s): " + String.join(", ", failed.keySet().stream()
                        .skip(1).toList()) + ")" : "") + "; nothing was changed on any host";
            }
        }
        return null;
    }

    private String connect(String name) {
        HostRun h = hosts.get(name);
        HostConnector.HostKeyListener keys = (host, type, fingerprint) -> {
            journal().append("host.key_accepted", null, "preflight", null, Map.of("host", host, "key_type", type,
                    "fingerprint", fingerprint, "known_hosts", String.valueOf(h.spec.settings().knownHosts())));
            rc().listener().hostNote(host, "connect", "new host key accepted and added to known_hosts: " + type + " "
                    + fingerprint);
        };
        try {
            h.host = connectors.connect(h.spec, keys);
        } catch (HostConnector.HostKeyException e) {
            journal().append("host.unreachable", null, "preflight", null, Map.of("transport", h.spec.transport(),
                    "error", global.masker().mask(String.valueOf(e.getMessage())), "host_key", e.changed()
                            ? "changed" : "unknown"));
            return (e.changed() ? "host key CHANGED: " : "unknown host key: ") + global.masker().mask(e.getMessage());
        } catch (IOException | RuntimeException e) {
            String msg = global.masker().mask(e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                    : ": " + e.getMessage()));
            journal().append("host.unreachable", null, "preflight", null, Map.of("transport", h.spec.transport(),
                    "error", msg));
            return msg;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while connecting";
        }
        RunContext c = rc();
        RunContext hostRc = new RunContext(c.journal(), c.runId(), c.runDir(), c.baseDirectory(), c.registry(),
                c.masker(), new HostListener(name, c.listener()), c.abort(), c.approver(), c.approverKeys());
        h.runner = new StepRunner(hostRc, h.host);
        h.state = global.forHost(h.runner);
        journal().append("host.connected", null, "preflight", null, Map.of("transport", h.spec.transport(),
                "address", h.spec.address(), "groups", h.spec.groups()));
        return null;
    }

    /**
     * Resume and later rollback: reaches a host the run had changed again and gives its state, to be restored
     * from the journal; the host counts as in doubt until it is rolled back.
     *
     * @throws IOException when it cannot be reached
     */
    RunState reconnect(String name) throws IOException {
        HostRun h = hosts.get(name);
        if (h == null) {
            throw new IOException("host '" + name + "' is not in the fleet the run recorded");
        }
        Journal.onHost(name);
        try {
            String error = connect(name);
            if (error != null) {
                throw new IOException("cannot reach host '" + name + "': " + error);
            }
        } finally {
            Journal.onHost(null);
        }
        h.result = HostResult.State.IN_DOUBT;
        h.detail = "changed before the run stopped";
        return h.state;
    }

    /** Resume: a host the run reached that has nothing left to undo. */
    void nothingToUndo(String name, String detail) {
        HostRun h = hosts.get(name);
        h.result = HostResult.State.ROLLED_BACK;
        h.detail = detail;
    }

    /** Resume and later rollback: a block that ran, after {@code checkpoint} global changes. */
    void ranBefore(String blockId, int checkpoint) {
        global.runbook().blocks().stream().filter(b -> b.id().equals(blockId)).findFirst()
                .ifPresent(b -> ran.add(new Ran(b, checkpoint)));
    }

    /** Runs the blocks that stand before global step {@code at}; returns the failure, or null. */
    String runBlocksAt(int at) {
        for (HostBlock b : global.runbook().blocks()) {
            if (b.position() != at) {
                continue;
            }
            if (rc().abort().requested()) {
                return rc().abort().describe("aborted") + " before hosts block '" + b.id() + "'";
            }
            ran.add(new Ran(b, global.completed().size()));
            String f = runBlock(b);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private String runBlock(HostBlock b) {
        List<List<String>> batches = fleet.batches(b);
        int maxFailed = b.rolling().maxFailed();
        int failedSoFar = 0;
        for (int i = 0; i < batches.size(); i++) {
            List<String> batch = batches.get(i);
            boolean canary = i == 0 && b.rolling().canary() > 0;
            if (rc().abort().requested()) {
                return rc().abort().describe("aborted") + " before batch " + (i + 1) + " of hosts block '" + b.id()
                        + "'";
            }
            if (i > 0 && !b.rolling().pause().isZero()) {
                rc().listener().note(b.id(), "pausing " + Durations.format(b.rolling().pause()) + " before batch "
                        + (i + 1));
                if (!rc().abort().sleep(b.rolling().pause(), true)) {
                    return rc().abort().describe("aborted") + " while pausing before batch " + (i + 1)
                            + " of hosts block '" + b.id() + "'";
                }
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("block", b.id());
            data.put("batch", i + 1);
            data.put("of", batches.size());
            data.put("hosts", batch);
            data.put("canary", canary);
            journal().append("batch.started", null, "steps", null, data);
            rc().listener().batchStarted(b.id(), i + 1, batches.size(), batch, canary);
            Map<String, String> stepsFailed = parallel(batch, h -> runSteps(b, h));
            List<String> passed = batch.stream().filter(h -> !stepsFailed.containsKey(h)).toList();
            Map<String, String> checksFailed = parallel(passed, h -> runChecks(b, h)); // after the whole batch
            Map<String, String> failed = new LinkedHashMap<>();
            for (String h : batch) {
                String f = stepsFailed.containsKey(h) ? stepsFailed.get(h) : checksFailed.get(h);
                if (f != null) {
                    failed.put(h, f);
                }
            }
            journal().append("batch.finished", null, "steps", null, Map.of("block", b.id(), "batch", i + 1,
                    "failed", List.copyOf(failed.keySet())));
            if (failed.isEmpty()) {
                continue;
            }
            failedSoFar += failed.size();
            if (failedSoFar <= maxFailed) {
                rc().listener().note(b.id(), failed.size() + " host(s) failed (" + String.join(", ", failed.keySet())
                        + "); " + failedSoFar + " of max_failed " + maxFailed + ": rolling back only them");
                Map<String, String> errors = parallel(List.copyOf(failed.keySet()), h -> undoHost(h, List.of(b)));
                if (errors.isEmpty()) {
                    continue;
                }
                errors.forEach((h, e) -> undoProblems.add("host '" + h + "': " + e));
                return "the rollback of failed host(s) " + String.join(", ", errors.keySet()) + " in batch " + (i + 1)
                        + " of hosts block '" + b.id() + "' failed";
            }
            Map.Entry<String, String> first = failed.entrySet().iterator().next();
            String reason = "host '" + first.getKey() + "' failed in batch " + (i + 1) + " of " + batches.size()
                    + (canary ? " (the canary)" : "") + " of hosts block '" + b.id() + "': " + first.getValue()
                    + (failed.size() > 1 ? " (" + failed.size() + " hosts failed: " + String.join(", ",
                    failed.keySet()) + ")" : "") + (maxFailed > 0 ? "; more than max_failed " + maxFailed
                    + " hosts failed" : "");
            rc().listener().note(b.id(), "rolling back batch " + (i + 1) + " (" + String.join(", ", batch) + ")");
            parallel(batch, h -> undoHost(h, List.of(b))).forEach((h, e) -> undoProblems.add("host '" + h + "': " + e));
            if (!b.rolling().rollbackAll()) {
                keepEarlierBatches = true;
                return reason + "; earlier batches keep the change (rollback: failed-batch)";
            }
            return reason;
        }
        return null;
    }

    /** A host's steps of a block; the failure, or null. */
    private String runSteps(HostBlock b, String name) {
        HostRun h = hosts.get(name);
        h.result = HostResult.State.IN_DOUBT;
        h.detail = "running block '" + b.id() + "'";
        String f = h.state.runSection(Section.STEPS, "steps", b.steps(), true);
        if (f != null) {
            h.detail = f;
        }
        return f;
    }

    /** A host's checks of a block, once its whole batch has run its steps; the failure, or null. */
    private String runChecks(HostBlock b, String name) {
        HostRun h = hosts.get(name);
        String f = h.state.runSection(Section.VALIDATE, "validate", b.validate(), true);
        if (f == null) {
            h.result = HostResult.State.SUCCEEDED;
            h.detail = "";
        } else {
            h.detail = f;
        }
        return f;
    }

    /**
     * Undoes a host's changes in reverse order, then proves it is back with the blocks' preflight checks (facts
     * compared with those before the change) and their {@code revalidate: true} checks. Returns an error, or null.
     */
    private String undoHost(String name, List<HostBlock> blocks) {
        HostRun h = hosts.get(name);
        List<Executed> toUndo = new ArrayList<>(h.state.completed());
        Collections.reverse(toUndo);
        String why = h.detail;
        for (Executed ex : toUndo) {
            String err = h.runner.undo(ex, h.state.interpolator());
            h.state.outcomes().addAll(h.runner.drainUndoOutcomes());
            if (err != null) {
                h.result = HostResult.State.IN_DOUBT;
                h.detail = "undo of step '" + ex.step().id() + "' failed: " + err + "; restore it by hand";
                journal().append("host.rollback_finished", null, "undo", null, Map.of("ok", false, "error",
                        h.detail));
                return h.detail;
            }
        }
        h.state.completed().clear();
        List<StepDef> preflight = new ArrayList<>();
        List<StepDef> health = new ArrayList<>();
        for (HostBlock b : blocks) {
            preflight.addAll(b.preflight());
            b.validate().stream().filter(StepDef::revalidate).forEach(health::add);
        }
        Revalidation.Result r = new Revalidation(h.state, preflight, health).run();
        journal().append("host.rollback_finished", null, "undo", null, Map.of("ok", r.problems().isEmpty(),
                "revalidation", r.summary()));
        if (!r.problems().isEmpty()) {
            h.result = HostResult.State.IN_DOUBT;
            h.detail = "rolled back, but not back as it was: " + String.join("; ", r.problems());
            return h.detail;
        }
        (r.checked() > 0 ? proven : unchecked).incrementAndGet();
        h.result = HostResult.State.ROLLED_BACK;
        h.detail = why == null || why.isEmpty() ? "" : why;
        return null;
    }

    /** Undos that failed on hosts during the rollout: the run's rollback stops there, for an operator. */
    List<String> undoProblems() {
        return List.copyOf(undoProblems);
    }

    /** How many hosts were rolled back and re-validated. */
    int revalidatedHosts() {
        return proven.get() + unchecked.get();
    }

    /** What re-validation proved about the rolled-back hosts; empty when none was rolled back. */
    String revalidationSummary() {
        if (revalidatedHosts() == 0) {
            return "";
        }
        if (unchecked.get() > 0) {
            return "NOT PROVEN: " + unchecked.get() + " rolled-back host(s) had nothing to re-check (no preflight and no "
                    + "revalidate: true checks in their hosts block); check them by hand";
        }
        return "proven: " + proven.get() + " rolled-back host(s) match the facts their checks gathered before the change";
    }

    /** Whether the rollout stopped with {@code rollback: failed-batch}: earlier batches and global changes stay. */
    boolean keepsEarlierBatches() {
        return keepEarlierBatches;
    }

    /**
     * Undoes the hosts of every block that ran after {@code checkpoint} global changes had completed, latest
     * block first, each block's batches in reverse order; returns what is left for an operator.
     */
    List<String> undoBlocksFrom(int checkpoint) {
        List<String> manual = new ArrayList<>();
        for (int i = ran.size() - 1; i >= 0 && manual.isEmpty(); i--) {
            Ran r = ran.get(i);
            if (r.undone || r.checkpoint < checkpoint) {
                continue;
            }
            r.undone = true;
            List<List<String>> batches = new ArrayList<>(fleet.batches(r.block));
            Collections.reverse(batches);
            for (List<String> batch : batches) {
                List<String> changed = batch.stream().filter(h -> hosts.get(h).state != null
                        && !hosts.get(h).state.completed().isEmpty()).toList();
                if (changed.isEmpty()) {
                    continue;
                }
                rc().listener().note(r.block.id(), "rolling back " + String.join(", ", changed));
                Map<String, String> errors = parallel(changed, h -> undoHost(h, blocksOf(h)));
                errors.forEach((h, e) -> manual.add("host '" + h + "': " + e));
                if (!manual.isEmpty()) {
                    break; // the rest stay as they are, so the system is not made worse
                }
            }
        }
        return manual;
    }

    private List<HostBlock> blocksOf(String host) {
        return ran.stream().map(r -> r.block).filter(b -> fleet.hostsOf(b).stream()
                .anyMatch(s -> s.name().equals(host))).toList();
    }

    /** {@code cutover plan}: the hosts a run would touch, batch by batch. */
    void plan() {
        for (HostBlock b : global.runbook().blocks()) {
            List<List<String>> batches = fleet.batches(b);
            rc().listener().sectionStarted("hosts " + b.id() + " (" + b.rolling().describe() + ")");
            for (int i = 0; i < batches.size(); i++) {
                boolean canary = i == 0 && b.rolling().canary() > 0;
                List<String> changes = new ArrayList<>();
                b.steps().forEach(s -> changes.add("would run " + s.id() + " (" + s.uses() + ") on each host"));
                b.validate().forEach(s -> changes.add("then check " + s.id() + " (" + s.uses() + ") on each host"));
                String summary = "batch " + (i + 1) + "/" + batches.size() + (canary ? " (canary)" : "") + ": "
                        + String.join(", ", batches.get(i));
                journal().append("batch.planned", null, "steps", null, Map.of("block", b.id(), "batch", i + 1,
                        "hosts", batches.get(i), "canary", canary));
                rc().listener().planned("steps", b.id(), summary, changes);
            }
        }
    }

    /** Where each host ended. */
    List<HostResult> results() {
        List<HostResult> out = new ArrayList<>();
        hosts.values().forEach(h -> out.add(new HostResult(h.spec.name(), h.result, global.masker().mask(h.detail))));
        return out;
    }

    void close() {
        pool.close();
        hosts.values().forEach(h -> {
            if (h.runner != null) {
                h.runner.shutdown();
            }
        });
        connectors.close();
    }

    private List<String> names(HostBlock b) {
        return fleet.hostsOf(b).stream().map(HostSpec::name).toList();
    }

    private Map<String, String> parallel(List<String> names, Function<String, String> work) {
        return pool.each(names, n -> Connectors.LOCAL.equals(hosts.get(n).spec.transport()), work);
    }

    /** Forwards a host's progress to the console with the host's name. */
    private record HostListener(String host, RunListener to) implements RunListener {
        @Override
        public void stepFinished(String section, StepOutcome outcome) {
            to.hostStepFinished(host, section, outcome);
        }

        @Override
        public void note(String stepId, String message) {
            to.hostNote(host, stepId, message);
        }
    }
}
