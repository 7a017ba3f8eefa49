package dev.cutover.run;

import dev.cutover.spi.Approval;
import dev.cutover.spi.Check;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Traits;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code approval}: stops the run until enough people approve (on a terminal, or with
 * {@code --approve ID}); a refusal undoes what ran before it and ends the run {@code REFUSED}. It changes
 * nothing, so it has nothing to undo. Allowed in {@code steps} only ({@link Traits#GATE}).
 */
public final class ApprovalStep implements Check {
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
    public List<OutputSpec> outputs() {
        return List.of(OutputSpec.list("approvals", "who approved, when and why: {approver, time, reason}"));
    }

    @Override
    public Set<String> traits() {
        return Set.of(Traits.GATE);
    }

    @Override
    public Plan plan(StepContext ctx) throws StepFailedException {
        return Plan.of("would ask " + ctx.inputs().integer("approvals") + " approver(s): "
                + ctx.inputs().string("message"));
    }

    @Override
    public StepResult check(StepContext ctx) throws StepFailedException, InterruptedException {
        int required = (int) ctx.inputs().integer("approvals");
        List<Approval> given = ctx.approve(ctx.inputs().string("message"), required);
        List<Map<String, Object>> rec = new ArrayList<>();
        for (Approval a : given) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("approver", a.approver());
            m.put("time", a.time());
            m.put("reason", a.reason());
            rec.add(m);
        }
        return StepResult.done(Map.of("approvals", rec), "approved by "
                + String.join(", ", given.stream().map(Approval::approver).toList()));
    }
}
