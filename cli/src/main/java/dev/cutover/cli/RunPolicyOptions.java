package dev.cutover.cli;

import dev.cutover.run.Approver;
import dev.cutover.runbook.ChangeWindow;
import dev.cutover.runbook.ParamResolver;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Options that decide whether a run may proceed: change windows and approvals. */
public final class RunPolicyOptions {
    @Option(names = "--override-window", description = "Run outside the change window (needs --reason; journaled).")
    boolean overrideWindow;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why the window is overridden, for the record.")
    String reason;

    @Option(names = "--approve", paramLabel = "STEP-ID", description = "Approve this approval step non-interactively "
            + "(as the operator); repeatable.")
    List<String> approve = new ArrayList<>();

    @Option(names = "--approver-keys", paramLabel = "DIR|FILE", description = "Approvers' public keys (repeatable; "
            + "also $CUTOVER_APPROVER_KEYS). With keys, approval steps count only approvals signed with them "
            + "('cutover approve RUN --step ID --key FILE', from any seat), one per key.")
    List<java.nio.file.Path> approverKeys = new ArrayList<>();

    /** The approvers' public keys from --approver-keys and the environment; empty when none are configured. */
    List<dev.cutover.journal.SealPublicKey> approverKeys(java.util.Map<String, String> env) throws java.io.IOException {
        return dev.cutover.journal.TrustedKeys.load(approverKeys, env.get(dev.cutover.journal.TrustedKeys.APPROVER_ENV));
    }

    /** Set by {@code run --yes}, which also approves every approval step as the operator. */
    boolean yesToApprovals;

    String overrideReason() {
        if (!overrideWindow) {
            return null;
        }
        return reason == null || reason.isBlank() ? "" : reason;
    }

    /** Windows from the environment file's {@code window:}, replacing the runbook's; null to keep the runbook's. */
    List<ChangeWindow> windows(ParamResolver.EnvironmentFile env) {
        if (env == null || !env.metadata().containsKey("window")) {
            return null;
        }
        return ChangeWindow.parse(env.metadata().get("window"));
    }

    Approver approver(String operator, PrintWriter out) {
        String who = operator != null ? operator : System.getProperty("user.name", "unknown");
        return (stepId, message, ahead, required) -> {
            List<Approver.Approval> given = new ArrayList<>();
            if (approve.contains(stepId) || yesToApprovals) {
                given.add(new Approver.Approval(who, Instant.now().toString(), approve.contains(stepId)
                        ? "--approve " + stepId + " on the command line" : "--yes on the command line"));
                if (required <= 1) {
                    return given;
                }
            }
            java.io.Console c = System.console();
            if (c == null) {
                if (given.isEmpty()) {
                    throw new Approver.Refused("approval step '" + stepId + "' needs approval and this is not a "
                            + "terminal: pass --approve " + stepId);
                }
                throw new Approver.Refused("approval step '" + stepId + "' needs " + required
                        + " distinct approvers; only one can approve from the command line");
            }
            out.println();
            out.println("APPROVAL NEEDED (" + stepId + "): " + message);
            out.println("Steps that follow:");
            ahead.forEach(a -> out.println("  - " + a));
            out.flush();
            Set<String> names = new LinkedHashSet<>();
            given.forEach(a -> names.add(a.approver()));
            while (names.size() < required) {
                String name = c.readLine("Approver %d of %d, your name: ", names.size() + 1, required);
                String yes = c.readLine("Type 'yes' to approve: ");
                if (name == null || name.isBlank() || yes == null || !yes.trim().equals("yes")) {
                    throw new Approver.Refused("approval not given at step '" + stepId + "'");
                }
                String why = c.readLine("Reason (optional): ");
                if (names.add(name.trim())) {
                    given.add(new Approver.Approval(name.trim(), Instant.now().toString(),
                            why == null || why.isBlank() ? "approved on the terminal" : why.trim()));
                }
            }
            return given;
        };
    }
}
