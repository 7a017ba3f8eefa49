package dev.cutover.run;

import dev.cutover.journal.EventType;
import dev.cutover.journal.Payload;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Undo in reverse order (every completed change, and every failed one that may have changed something),
 * then the rollback section, then {@link Revalidation}. An undo that fails stops the undoing: undoing
 * earlier steps while a later one is still in place can make things worse.
 */
final class Rollback {
    private final RunState s;

    Rollback(RunState s) {
        this.s = s;
    }

    RunOutcome run(Instant started, String reason) {
        s.rc().abort().rollbackStarted();
        FleetRun fleet = s.fleet();
        boolean keepGlobal = fleet != null && fleet.keepsEarlierBatches();
        List<Executed> toUndo = new ArrayList<>(keepGlobal ? List.of() : s.completed());
        toUndo.removeIf(e -> s.alreadyUndone().contains(e.step().id()));
        Collections.reverse(toUndo);
        s.journal().append(null, "undo", null, new Payload.RollbackStarted(reason,
                toUndo.stream().map(e -> e.step().id()).toList()));
        s.rc().listener().sectionStarted("undo");
        List<String> manual = new ArrayList<>();
        if (fleet != null) {
            manual.addAll(fleet.undoProblems()); // an undo failed on a host: nothing more is undone
        }
        for (int i = 0; i < toUndo.size() && manual.isEmpty(); i++) {
            Executed ex = toUndo.get(i);
            if (fleet != null) {
                // the hosts blocks that ran after this change are undone before it
                manual.addAll(fleet.undoBlocksFrom(s.completed().indexOf(ex) + 1));
                if (!manual.isEmpty()) {
                    break;
                }
            }
            String err = s.runner().undo(ex, s.interpolator());
            s.outcomes().addAll(s.runner().drainUndoOutcomes());
            if (err != null) {
                manual.add("step '" + ex.step().id() + "': undo failed (" + err + "); restore it by hand"
                        + describeUndo(ex));
                for (Executed rest : toUndo.subList(i + 1, toUndo.size())) {
                    if (rest.step().noUndo() == null) {
                        manual.add("step '" + rest.step().id() + "': not undone (rollback stopped at '"
                                + ex.step().id() + "')" + describeUndo(rest));
                    }
                }
                s.journal().append(EventType.ROLLBACK_STOPPED, ex.step().id(), "undo", null, Map.of("reason",
                        "undo failed; earlier steps were left as they are so the system is not made worse"));
                break;
            }
        }
        if (fleet != null && !keepGlobal && manual.isEmpty()) {
            manual.addAll(fleet.undoBlocksFrom(0));
        }
        if (manual.isEmpty() && !keepGlobal) {
            String f = s.runSection(Section.ROLLBACK, false);
            if (f != null) {
                manual.add("rollback section: " + f);
            }
        }
        Revalidation.Result reval = revalidate(fleet);
        for (String p : reval.problems()) {
            manual.add("the system is not back as it was: " + p);
        }
        s.journal().append(null, "undo", null, new Payload.RollbackFinished(manual.isEmpty(), manual, reval.summary()));
        RunStatus ok = s.refused() ? RunStatus.REFUSED : RunStatus.ROLLED_BACK;
        return s.done(started, manual.isEmpty() ? ok : RunStatus.ROLLBACK_FAILED, reason, manual, reval.summary());
    }

    /**
     * The run's re-validation, joined with the fleet hosts' (each rolled-back host re-ran its own checks); a
     * runbook whose only checks are per host is not reported as having checked nothing.
     */
    private Revalidation.Result revalidate(FleetRun fleet) {
        String hosts = fleet == null ? "" : fleet.revalidationSummary();
        boolean global = !s.runbook().preflight().isEmpty()
                || s.runbook().validate().stream().anyMatch(StepDef::revalidate);
        if (!global && !hosts.isEmpty()) {
            return new Revalidation.Result(List.of(), hosts, fleet.revalidatedHosts());
        }
        Revalidation.Result r = new Revalidation(s).run();
        return hosts.isEmpty() ? r : new Revalidation.Result(r.problems(), r.summary() + "; " + hosts,
                r.checked() + fleet.revalidatedHosts());
    }

    private String describeUndo(Executed ex) {
        StepDef step = ex.step();
        if (step.undo() != null) {
            Object with = ex.undoInputs() != null ? ex.undoInputs() : step.undo().with();
            return ": run " + step.undo().uses() + " with " + s.masker().maskValue(with);
        }
        if (!ex.intent().data().isEmpty()) {
            return ": " + ex.type().id() + " recorded " + s.masker().maskValue(ex.intent().data());
        }
        return "";
    }
}
