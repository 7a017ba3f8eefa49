package dev.cutover.run;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;

import java.util.List;

/**
 * {@code approval}: stops the run until enough people approve (on a terminal, or with
 * {@code --approve ID}); the engine answers it through {@link Approver}. Allowed in {@code steps} only.
 */
public final class ApprovalStep implements StepType {
    public static final String ID = "approval";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Wait for explicit approval (a typed 'yes' and a name on a terminal, or --approve ID).";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(InputSpec.optional("message", InputType.STRING, "Approve the change?", "shown to approvers"),
                InputSpec.optional("approvals", InputType.INT, 1L, "distinct approvers required"));
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public Plan plan(StepContext ctx) throws StepFailedException {
        return Plan.of("would ask " + ctx.inputs().integer("approvals") + " approver(s): "
                + ctx.inputs().string("message"));
    }

    @Override
    public StepResult apply(StepContext ctx, Intent intent) throws StepFailedException {
        throw new StepFailedException("approval steps are answered by the engine");
    }

    @Override
    public boolean hasBuiltInUndo() {
        return true;
    }

    @Override
    public StepResult undo(StepContext ctx, Intent intent) {
        return StepResult.unchanged("an approval has nothing to undo", java.util.Map.of());
    }
}
