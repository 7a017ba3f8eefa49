package dev.cutover.cli;

import dev.cutover.approval.ApprovalCheck;
import dev.cutover.approval.SignedApproval;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.OsIdentity;
import dev.cutover.journal.RecordVerifier;
import dev.cutover.journal.SealKeys;
import dev.cutover.journal.SealSigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cutover approve}: one approver signs one approval step of one run with their own key. */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = "Approve an approval step of a run with your own Ed25519 key (from 'cutover keygen'): signs the "
                + "run id, the step, the runbook's SHA-256 and the hash of the run's parameters, and writes the "
                + "approval where the run picks it up (RUN_DIR/approvals/STEP/), or to --out. The journal keeps the "
                + "signature; 'cutover verify --approver-keys' checks it offline. Exit 0 written, 2 run, step or key "
                + "not usable, 5 the run's journal does not verify.")
final class ApproveCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run id or run directory.")
    String run;

    @Option(names = "--step", required = true, paramLabel = "ID", description = "The approval step.")
    String step;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Your private key (PEM, mode 0600).")
    Path key;

    @Option(names = "--as", paramLabel = "NAME", description = "Your name for the record (default: the OS user).")
    String as;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the record.")
    String reason;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the approval here instead of into the run "
            + "directory (to send it to the operator, who puts it in RUN_DIR/approvals/STEP/).")
    Path out;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        global.team(); // a run in the team store is read from there
        RunLocator.Found found = RunLocator.find(run, global.stateDirectory());
        if (found == null) {
            throw new ExitException.InvalidInput(
                    "cutover: no run '" + run + "' in " + global.stateDirectory().resolve("runs"));
        }
        RecordVerifier.Verdict v;
        SealSigningKey signing;
        try {
            v = RecordVerifier.verify(found.journal(), List.of(), found.expect().resumable());
            signing = SealKeys.readPrivate(key);
        } catch (IOException e) {
            throw new ExitException.InvalidInput("cutover: " + e.getMessage() + "; nothing was written.");
        }
        if (!v.ok() || v.first() == null) {
            throw new ExitException.Refused(
                    "cutover: refusing to approve: the journal of run " + run + " does not verify: " + v.problem());
        }
        JournalEvent started = v.first();
        if (!step.matches("[a-z0-9-]+")) {
            throw new ExitException.InvalidInput("cutover: '" + step + "' is not a step id ([a-z0-9-]+)");
        }
        ApprovalCheck.Expected e = ApprovalCheck.Expected.of(started, step);
        SignedApproval a = SignedApproval.sign(signing, e.run(), step, e.runbookSha256(), e.paramsSha256(),
                as != null ? as : OsIdentity.user(), Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), reason);
        java.util.Optional<dev.cutover.team.PostgresStateStore> team = global.team();
        if (team.isPresent() && out == null) {
            return approveInStore(team.get(), a, started, e);
        }
        Path file = out != null ? out : ApprovalCheck.file(found.journal().getParent(), step, a.fingerprint());
        try {
            ApprovalCheck.write(file, a);
        } catch (IOException ex) {
            throw new ExitException.InvalidInput("cutover: cannot write " + file + ": " + ex.getMessage());
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("Approved step '" + step + "' of run " + e.run() + " (" + started.dataString("runbook") + ", SHA-256 "
                + e.runbookSha256() + ", ticket " + started.dataString("ticket") + ", run by " + started.operator()
                + ") as " + a.approver() + " with key " + a.fingerprint() + ".");
        o.println("wrote " + file);
        return 0;
    }

    /** Records the approval in the team store, where the run's approval step (on any machine) picks it up. */
    private int approveInStore(dev.cutover.team.PostgresStateStore team, SignedApproval a, JournalEvent started,
                               ApprovalCheck.Expected e) {
        String approver = a.approver().strip();
        if (approver.equalsIgnoreCase(String.valueOf(started.operator()).strip())) {
            throw new ExitException.Refused("cutover: refusing to approve: " + approver + " started run " + e.run()
                    + " and cannot also approve it; an approval is a second person's decision. Nothing was written.");
        }
        boolean added;
        try {
            added = team.putApproval(a);
        } catch (IOException ex) {
            throw new ExitException.Refused("cutover: " + ex.getMessage() + "; nothing was written.");
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("Approved step '" + step + "' of run " + e.run() + " (" + started.dataString("runbook") + ", SHA-256 "
                + e.runbookSha256() + ", ticket " + started.dataString("ticket") + ", run by " + started.operator()
                + ") as " + a.approver() + " with key " + a.fingerprint() + ".");
        o.println(added ? "recorded in the team store " + team.describe() + "; the run picks it up within a second"
                : "this key had approved this step already; nothing new was recorded");
        return 0;
    }
}
