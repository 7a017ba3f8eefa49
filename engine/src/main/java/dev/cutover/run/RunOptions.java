package dev.cutover.run;

import dev.cutover.runbook.Fleet;

import java.nio.file.Path;
import java.util.Map;

/**
 * How to run a runbook. Build with {@link #builder(Path)}; defaults are stated on each setter.
 *
 * @param stateDirectory where {@code runs/<id>/} go
 * @param dryRun         {@code cutover plan}: preflight runs, nothing else changes
 * @param operator       who runs it
 * @param ticket         change ticket, may be null
 * @param environment    environment name or file, may be null
 * @param environmentVariables the variables {@code ${env.X}} reads
 * @param rehearsal      marks the journal as a rehearsal
 * @param failAfterStep  a step id after whose completion a failure is injected (rehearsals); may be null
 * @param windows        change windows replacing the runbook's (from the environment file), or null
 * @param overrideWindowReason why the run may proceed outside its window, or null
 * @param approver       answers approval steps
 * @param approverKeys   the public keys of the people who may approve; when any are given, approval steps
 *                       count only approvals signed with them ({@code cutover approve}); never null
 * @param fleet          the hosts the runbook's {@code hosts:} blocks run on; {@link Fleet#NONE} without any
 */
public record RunOptions(Path stateDirectory, boolean dryRun, String operator, String ticket, String environment,
                         Map<String, String> environmentVariables, boolean rehearsal, String failAfterStep,
                         java.util.List<dev.cutover.runbook.ChangeWindow> windows, String overrideWindowReason,
                         Approver approver, java.util.List<dev.cutover.journal.SealPublicKey> approverKeys,
                         Fleet fleet) {

    public RunOptions {
        approverKeys = approverKeys == null ? java.util.List.of() : java.util.List.copyOf(approverKeys);
        fleet = fleet == null ? Fleet.NONE : fleet;
    }

    /** Options without fleet hosts. */
    public RunOptions(Path stateDirectory, boolean dryRun, String operator, String ticket, String environment,
                      Map<String, String> environmentVariables, boolean rehearsal, String failAfterStep,
                      java.util.List<dev.cutover.runbook.ChangeWindow> windows, String overrideWindowReason,
                      Approver approver, java.util.List<dev.cutover.journal.SealPublicKey> approverKeys) {
        this(stateDirectory, dryRun, operator, ticket, environment, environmentVariables, rehearsal, failAfterStep,
                windows, overrideWindowReason, approver, approverKeys, Fleet.NONE);
    }

    /** These options with these fleet hosts (a resume, a later rollback: the hosts the run recorded). */
    public RunOptions withFleet(Fleet f) {
        return new RunOptions(stateDirectory, dryRun, operator, ticket, environment, environmentVariables, rehearsal,
                failAfterStep, windows, overrideWindowReason, approver, approverKeys, f);
    }

    public static Builder builder(Path stateDirectory) {
        return new Builder(stateDirectory);
    }

    /** Builder for {@link RunOptions}. */
    public static final class Builder {
        private final Path stateDirectory;
        private boolean dryRun;
        private String operator = System.getProperty("user.name", "unknown");
        private String ticket;
        private String environment;
        private Map<String, String> env = System.getenv();
        private boolean rehearsal;
        private String failAfterStep;
        private java.util.List<dev.cutover.runbook.ChangeWindow> windows;
        private String overrideWindowReason;
        private Approver approver = Approver.DENY;
        private java.util.List<dev.cutover.journal.SealPublicKey> approverKeys = java.util.List.of();
        private Fleet fleet = Fleet.NONE;

        private Builder(Path stateDirectory) {
            this.stateDirectory = stateDirectory;
        }

        /** Default false. */
        public Builder dryRun(boolean v) {
            dryRun = v;
            return this;
        }

        /** Default: the OS user. */
        public Builder operator(String v) {
            if (v != null && !v.isBlank()) {
                operator = v;
            }
            return this;
        }

        /** Default none. */
        public Builder ticket(String v) {
            ticket = v;
            return this;
        }

        /** Default none. */
        public Builder environment(String v) {
            environment = v;
            return this;
        }

        /** Default: {@link System#getenv()}. */
        public Builder environmentVariables(Map<String, String> v) {
            env = v;
            return this;
        }

        /** Default false. */
        public Builder rehearsal(boolean v) {
            rehearsal = v;
            return this;
        }

        /** Default none. */
        public Builder failAfterStep(String v) {
            failAfterStep = v;
            return this;
        }

        /** Default: the runbook's own windows. */
        public Builder windows(java.util.List<dev.cutover.runbook.ChangeWindow> v) {
            windows = v;
            return this;
        }

        /** Default none: outside the window the run is refused. */
        public Builder overrideWindow(String reason) {
            overrideWindowReason = reason;
            return this;
        }

        /** Default: deny every approval (non-interactive runs without --approve). */
        public Builder approver(Approver v) {
            approver = v;
            return this;
        }

        /** Default none: approvals are typed on a terminal or given with --approve (one approver only). */
        public Builder approverKeys(java.util.List<dev.cutover.journal.SealPublicKey> v) {
            approverKeys = v;
            return this;
        }

        /** The hosts of the runbook's {@code hosts:} blocks (default: none). */
        public Builder fleet(Fleet v) {
            fleet = v;
            return this;
        }

        public RunOptions build() {
            return new RunOptions(stateDirectory, dryRun, operator, ticket, environment, env, rehearsal, failAfterStep,
                    windows, overrideWindowReason, approver, approverKeys, fleet);
        }
    }
}
