package dev.cutover.run;

import java.util.List;

/**
 * Decides an {@code approval} step: asks people on a terminal, or honours {@code --approve ID}.
 * Returns the approvals given, or throws {@link Refused} naming why not.
 */
public interface Approver {

    /** An approval: who, when (ISO-8601 UTC) and why. */
    record Approval(String approver, String time, String reason) {
    }

    /** The approval was not given; the run ends REFUSED once anything already done is undone. */
    final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    /**
     * @param stepId   the approval step
     * @param message  what the runbook says to the approver
     * @param ahead    the plan of the steps that follow
     * @param required how many distinct approvers are needed
     */
    List<Approval> approve(String stepId, String message, List<String> ahead, int required) throws Refused;

    /** Denies everything: used when no one can be asked. */
    Approver DENY = (stepId, message, ahead, required) -> {
        throw new Refused("approval step '" + stepId + "' needs " + required + " approver(s): run on a terminal, or "
                + "pass --approve " + stepId);
    };
}
