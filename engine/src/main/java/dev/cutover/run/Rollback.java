package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepType;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Undo in reverse, the rollback section, then validate again. */
final class Rollback {
    private final RunState s;

    Rollback(RunState s) {
        this.s = s;
    }

    RunOutcome run(Instant started, String reason) {
        s.abort().rollbackStarted();
        List<StepExecutor.Executed> toUndo = new ArrayList<>(s.completed());
        toUndo.removeIf(e -> s.alreadyUndone().contains(e.step().id()));
        java.util.Collections.reverse(toUndo);
        s.journal().append("rollback.started", null, "undo", null, Map.of("reason", reason,
                "undo_order", toUndo.stream().map(e -> e.step().id()).toList()));
        s.listener().sectionStarted("undo");
        List<String> manual = new ArrayList<>();
        for (int i = 0; i < toUndo.size(); i++) {
            StepExecutor.Executed ex = toUndo.get(i);
            String err = undo(ex);
            if (err != null) {
                manual.add("step '" + ex.step().id() + "': undo failed (" + err + "); restore it by hand"
                        + describeUndo(ex));
                for (StepExecutor.Executed rest : toUndo.subList(i + 1, toUndo.size())) {
                    if (rest.step().noUndo() == null) {
                        manual.add("step '" + rest.step().id() + "': not undone (rollback stopped at '"
                                + ex.step().id() + "')" + describeUndo(rest));
                    }
                }
                s.journal().append("rollback.stopped", ex.step().id(), "undo", null, Map.of("reason",
                        "undo failed; earlier steps were left as they are so the system is not made worse"));
                break;
            }
        }
        if (manual.isEmpty()) {
            String f = s.runSection(Section.ROLLBACK, "rollback", false);
            if (f != null) {
                manual.add("rollback section: " + f);
            }
        }
        String reval = s.runSection(Section.VALIDATE, "revalidate", false);
        if (reval != null) {
            manual.add("the system did not pass validation after rollback: " + reval);
        }
        s.journal().append("rollback.finished", null, "undo", null, Map.of("ok", manual.isEmpty(),
                "manual_actions", manual));
        RunStatus ok = s.refused() ? RunStatus.REFUSED : RunStatus.ROLLED_BACK;
        return s.done(started, manual.isEmpty() ? ok : RunStatus.ROLLBACK_FAILED, reason, manual);
    }

    /** Undoes one step; returns the error, or null. */
    private String undo(StepExecutor.Executed ex) {
        StepDef step = ex.step();
        if (step.undo() != null) {
            StepType ut = s.registry().find(step.undo().uses()).orElseThrow();
            StepDef undoStep = new StepDef(step.id(), step.undo().uses(), "undo of " + step.id(),
                    step.undo().with(), step.undo().timeout(), dev.cutover.runbook.RetryPolicy.NONE, null, null,
                    "undo", null, false, Section.ROLLBACK, step.undo().location());
            s.journal().append("undo.started", step.id(), "undo", null, Map.of("kind", "step", "uses",
                    ut.id()));
            StepExecutor.Executed r = s.executor().run(undoStep, ut, "undo", s.interpolator(), s.conditionVars(),
                    false);
            s.outcomes().add(r.outcome());
            boolean ok = r.outcome().status() != StepStatus.FAILED;
            s.journal().append(ok ? "undo.succeeded" : "undo.failed", step.id(), "undo", null,
                    ok ? Map.of() : Map.of("error", r.outcome().message()));
            return ok ? null : r.outcome().message();
        }
        if (step.noUndo() != null) {
            s.journal().append("undo.skipped", step.id(), "undo", null, Map.of("reason", step.noUndo()));
            s.outcomes().add(new StepOutcome(step.id(), "undo", StepStatus.NOT_UNDONE, 0, 0,
                    "no undo: " + step.noUndo(), Map.of()));
            s.listener().stepFinished("undo", s.outcomes().get(s.outcomes().size() - 1));
            return null;
        }
        long t0 = System.nanoTime();
        s.listener().stepStarted("undo", step.id(), 1);
        s.journal().append("undo.started", step.id(), "undo", null, Map.of("kind", "built-in", "uses",
                ex.type().id(), "undo", ex.intent().data()));
        String error = null;
        try {
            RunStepContext ctx = new RunStepContext(step.id(), new Inputs(ex.inputs(), null), s.runDir(),
                    s.runId(), Optional.ofNullable(step.timeout()), false, s.listener(), s.masker());
            var r = s.executor().call(() -> ex.type().undo(ctx, ex.intent()), step.timeout(), false);
            s.journal().append("undo.succeeded", step.id(), "undo", null, Map.of("outputs", r.outputs(),
                    "duration_ms", (System.nanoTime() - t0) / 1_000_000));
        } catch (StepFailedException e) {
            error = s.masker().mask(e.getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            error = "undo timed out";
        } catch (StepExecutor.AbortedException e) {
            error = "undo was interrupted";
        } catch (RuntimeException e) {
            error = s.masker().mask("internal error: " + e);
        }
        if (error != null) {
            s.journal().append("undo.failed", step.id(), "undo", null, Map.of("error", error));
        }
        StepOutcome o = new StepOutcome(step.id(), "undo", error == null ? StepStatus.UNDONE
                : StepStatus.UNDO_FAILED, 1, (System.nanoTime() - t0) / 1_000_000, error == null ? "" : error,
                Map.of());
        s.outcomes().add(o);
        s.listener().stepFinished("undo", o);
        return error;
    }

    private String describeUndo(StepExecutor.Executed ex) {
        StepDef step = ex.step();
        if (step.undo() != null) {
            return ": run " + step.undo().uses() + " with " + s.masker().maskValue(step.undo().with());
        }
        if (!ex.intent().data().isEmpty()) {
            return ": " + ex.type().id() + " recorded " + s.masker().maskValue(ex.intent().data());
        }
        return "";
    }
}
