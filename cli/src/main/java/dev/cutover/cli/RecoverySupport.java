package dev.cutover.cli;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.OsIdentity;
import dev.cutover.journal.RecordVerifier;
import dev.cutover.journal.SealPublicKey;
import dev.cutover.journal.TrustedKeys;
import dev.cutover.plugin.SecretSourceRegistry;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.run.RunOutcome;
import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.ParamResolver;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import dev.cutover.secrets.Masker;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What resume and later rollback share: find the run, check its record can be trusted (before the engine is
 * called), load the runbook the operator named and the params the journal recorded.
 */
final class RecoverySupport {
    private RecoverySupport() {
    }

    /** A recorded run, ready to recover. */
    record Recorded(Path runDir, Runbook runbook, Map<String, Object> params, Masker masker,
                    StepTypeRegistry registry, String environment, String trustNote) {
    }

    /**
     * Checks that the run's record can be trusted, then loads the runbook the operator named (or, for a journal
     * sealed by a trusted key, the one it records) and the params it recorded; prints the problem on failure.
     * Refused (5): a broken chain, a seal that fails or lines after it, a journal of another run or outside its
     * run directory, or an unsealed journal while trusted keys are configured (unless --trust-unsealed).
     *
     * @throws ExitException.InvalidInput (2) no such run, an unreadable key or journal, a runbook not given or invalid
     * @throws ExitException.Refused (5) a journal that cannot be trusted
     */
    static Recorded load(CommandSpec spec, GlobalOptions global, String run, RecoveryOptions trust, boolean resume) {
        var err = spec.commandLine().getErr();
        global.team();
        RunLocator.Found found = RunLocator.find(run, global.stateDirectory());
        if (found == null) {
            throw new ExitException.InvalidInput(
                    "cutover: no run '" + run + "' in " + global.stateDirectory().resolve("runs"));
        }
        Path journal = found.journal();
        List<SealPublicKey> keys;
        RecordVerifier.Verdict v;
        try {
            keys = trust.keys(null);
            RecordVerifier.Expect expect = resume ? found.expect().resumable() : found.expect();
            // the record's own consistency first; a seal, when there is one, then against the trusted keys
            v = RecordVerifier.verify(journal, List.of(), expect);
            if (v.ok() && v.seal().seal() != null && !keys.isEmpty()) {
                v = RecordVerifier.verify(journal, keys, expect);
            }
        } catch (IOException e) {
            throw new ExitException.InvalidInput("cutover: " + e.getMessage());
        }
        if (!v.ok()) {
            throw new ExitException.Refused(
                    "cutover: refusing to act on run " + run + ": its journal cannot be trusted: " + v.problem()
                    + ". Nothing was run.");
        }
        String note = null;
        if (!v.authenticated()) {
            String what = v.seal().seal() == null ? "is not sealed"
                    : "is sealed by " + v.seal().seal().fingerprint() + " but no trusted key was configured to check it";
            if (!keys.isEmpty() && trust.trustUnsealed == null) {
                throw new ExitException.Refused(
                        "cutover: refusing to act on run " + run + ": its journal " + what + ", and trusted keys "
                        + "are configured: anyone who can write " + journal + " could have rewritten its undo records."
                        + " If you have checked the journal, rerun with --trust-unsealed 'REASON' (recorded)."
                        + " Nothing was run.");
            }
            if (!keys.isEmpty()) {
                note = "journal " + what + "; trusted anyway by OS user " + OsIdentity.user() + ": "
                        + trust.trustUnsealed;
            } else {
                err.println("cutover: warning: the journal of run " + run + " " + what + ", and no trusted keys are "
                        + "configured (--trusted-keys or $" + TrustedKeys.ENV + "): only its consistency was "
                        + "checked; anyone who can write it could have rewritten it.");
            }
        }
        JournalEvent first = v.first();
        if (first == null) {
            throw new ExitException.InvalidInput("cutover: " + journal + " holds no complete event");
        }
        Map<String, Object> header = first.data();
        Path runbookFile = trust.runbook;
        if (runbookFile == null) {
            Object recorded = header.get("runbook_file");
            if (!v.authenticated() || recorded == null) {
                throw new ExitException.InvalidInput(
                        "cutover: name the runbook to " + (resume ? "resume" : "roll back") + " with --runbook FILE"
                        + (recorded == null ? "" : " (the journal records " + recorded + ", but it is not sealed by a "
                        + "trusted key, so cutover does not take a path to run from it)") + "; its SHA-256 must be "
                        + header.get("runbook_sha256") + ". Nothing was run.");
            }
            runbookFile = Path.of(recorded.toString());
        }
        StepTypeRegistry registry = StepTypeRegistry.load(global.plugins());
        try {
            Runbook rb = new RunbookLoader(registry).load(runbookFile);
            Masker masker = new Masker();
            @SuppressWarnings("unchecked")
            Map<String, Object> recorded = header.get("params") instanceof Map<?, ?> m ? (Map<String, Object>) m
                    : Map.of();
            Map<String, Object> params = new ParamResolver(global.environment(), masker, true)
                    .withSecretSources(() -> SecretSourceRegistry.load(global.plugins())).resolveRecorded(rb, recorded);
            return new Recorded(journal.getParent(), rb, params, masker, registry,
                    header.get("environment") == null ? null : header.get("environment").toString(), note);
        } catch (InvalidRunbookException e) {
            ValidateCommand.report(spec, global, e);
            throw new ExitException.InvalidInput(null); // the problems are printed
        }
    }

    /** Journals, before anything runs, that an unsealed journal is trusted by decision, who decided and why. */
    static void recordTrust(Path runDir, String note, Masker masker) throws IOException {
        try (Journal j = Journal.reopen(runDir, OsIdentity.user(), masker)) {
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("decision", note);
            data.put("os_user", OsIdentity.user());
            data.put("os_uid", OsIdentity.uid());
            data.put("host", OsIdentity.host());
            data.put("torn_tail_removed", j.repairedTail() == null ? null : masker.mask(j.repairedTail()));
            j.append("trust.unsealed", null, null, null, data);
        }
    }

    static int render(CommandSpec spec, GlobalOptions global, dev.cutover.journal.SealSigningKey key, Recorded r,
                      RunOutcome o) {
        if (key != null) {
            try {
                dev.cutover.journal.Seal s = dev.cutover.journal.Seal.append(o.runDirectory(), key, r.masker());
                spec.commandLine().getErr().println("sealed: line " + s.line() + ", " + s.algorithm()
                        + " signature by " + s.fingerprint());
            } catch (IOException | RuntimeException e) {
                spec.commandLine().getErr().println("cutover: the run finished " + o.status()
                        + " but could NOT be sealed: " + e.getMessage());
            }
        }
        return render(spec, global, o);
    }

    static int render(CommandSpec spec, GlobalOptions global, RunOutcome o) {
        if (global.json()) {
            JsonSummary.print(spec.commandLine().getOut(), JsonSummary.of(o));
        }
        return o.exitCode();
    }

    /** The recovery a command runs once options, console and key are ready. */
    interface Action {
        RunOutcome run(dev.cutover.run.Recovery recovery, dev.cutover.run.RunOptions options,
                       dev.cutover.run.RunListener console, dev.cutover.run.Abort abort) throws dev.cutover.run.Recovery.RefusedException,
                IOException;
    }

    /**
     * Runs a recovery (resume, later rollback): signing key, console; returns the outcome's exit code.
     *
     * @throws ExitException.Refused (5) the engine refused, or the journal could not be written
     */
    static int run(CommandSpec spec, GlobalOptions global, String operator, SharedOptions.SignKey signKey, Recorded r,
                   Action action) {
        dev.cutover.spi.ChildProcesses.prepareInBackground();
        dev.cutover.journal.SealSigningKey key = signKey.read();
        dev.cutover.run.RunOptions options = dev.cutover.run.RunOptions.builder(global.stateDirectory())
                .operator(operator).environment(r.environment()).environmentVariables(global.environment())
                .build();
        dev.cutover.run.RunListener console = new Console(global.json() ? spec.commandLine().getErr()
                : spec.commandLine().getOut(), global.color());
        dev.cutover.run.Abort abort = new dev.cutover.run.Abort();
        Interrupts signals = RunSupport.installInterruptHandler(abort, spec.commandLine().getErr());
        try {
            return render(spec, global, key, r, action.run(new dev.cutover.run.Recovery(r.registry()), options,
                    console, abort));
        } catch (dev.cutover.run.Recovery.RefusedException | IOException e) {
            throw new ExitException.Refused("cutover: " + e.getMessage());
        } finally {
            signals.close();
        }
    }
}
