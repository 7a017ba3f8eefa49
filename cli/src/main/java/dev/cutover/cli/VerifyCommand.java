package dev.cutover.cli;

import dev.cutover.approval.ApprovalCheck;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.RecordVerifier;
import dev.cutover.journal.SealPublicKey;
import dev.cutover.journal.TrustedKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cutover verify}: says what a run's journal proves, offline, and what it does not. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a run's journal and say what was checked and what was not: every line's hash and its "
                + "chain to the line before; the seal (run --sign-key) against the public keys given or trusted; that "
                + "every event belongs to the run asked for and the journal lies in that run's directory; that it ends "
                + "with run.finished (unless the run is still alive on this host); and with --runbook, that the "
                + "runbook is the one that ran. Exit 0 when nothing failed (the verdict still says NOT AUTHENTICATED "
                + "when no key checked a seal), 1 when a line was edited, removed, inserted or reordered, the tail was "
                + "cut, the seal or signature is wrong or missing (with a key), the journal belongs to another run, "
                + "or it does not end with run.finished; 2 when the run, key or runbook is not found.")
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run id, run directory, journal file, "
            + "or the directory an exported zip unpacks to.")
    String run;

    @Option(names = "--public-key", paramLabel = "FILE",
            description = "The signer's public key (PEM); the run must be sealed with its private key.")
    Path publicKey;

    @Option(names = "--approver-keys", paramLabel = "DIR|FILE", description = "Approvers' public keys: signed "
            + "approvals in the journal must verify with them (repeatable; also $" + TrustedKeys.APPROVER_ENV + ").")
    List<Path> approverKeys = new ArrayList<>();

    @Mixin
    TrustOptions trust;

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
                    "cutover: no run '" + run + "' (looked for a journal file, a run directory, an unpacked "
                    + "export, and " + global.stateDirectory().resolve("runs") + "/" + run + ")");
        }
        Path journal = found.journal();
        List<SealPublicKey> keys;
        List<SealPublicKey> approvers;
        RecordVerifier.Expect expect;
        try {
            approvers = TrustedKeys.load(approverKeys, global.environment().get(TrustedKeys.APPROVER_ENV));
            keys = trust.keys(publicKey);
            expect = trust.expect(found.expect());
        } catch (IOException e) {
            throw new ExitException.InvalidInput("cutover: " + e.getMessage());
        }
        RecordVerifier.Verdict v;
        try {
            v = RecordVerifier.verify(journal, keys, expect);
        } catch (IOException e) {
            throw new ExitException.InvalidInput("cutover: cannot read " + journal + ": " + e.getMessage());
        }
        ApprovalCheck.Verdict approvals = ApprovalCheck.verifyJournal(v.events(), approvers);
        boolean ok = v.ok() && approvals.problems().isEmpty();
        if (global.json()) {
            JsonSummary.print(spec.commandLine().getOut(), json(journal, v, ok, new Approvals(approvals.signed(),
                    approvals.unsigned(), !approvers.isEmpty(), approvals.problems())));
        } else if (!approvals.problems().isEmpty() && v.ok()) {
            err.println("BAD APPROVAL: " + journal + ": " + String.join("; ", approvals.problems()));
            printChecks(err, v);
        } else if (v.ok()) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(headline(v) + ": " + journal + ": " + about(v) + ".");
            printChecks(out, v);
            approvalText(approvals, approvers).forEach(out::println);
            if (!v.authenticated()) {
                out.println("  To make this record evidence: seal runs with --sign-key (keys from 'cutover keygen') "
                        + "and verify with --public-key or trusted keys (--trusted-keys, $CUTOVER_TRUSTED_KEYS).");
            }
        } else {
            String label = label(v);
            err.println(label + ": " + journal + ": " + v.problem() + (label.equals("TAMPERED") ? " ("
                    + v.events().size() + " lines before it verified)" : ""));
            printChecks(err, v);
        }
        return ok ? 0 : 1;
    }

    /** What is known about the approvals: signed ones checked (or not), typed ones that prove no second person. */
    private static List<String> approvalText(ApprovalCheck.Verdict a, List<SealPublicKey> approvers) {
        List<String> lines = new ArrayList<>();
        if (a.signed() > 0) {
            lines.add(approvers.isEmpty() ? "  NOT checked: " + a.signed() + " signed approval(s); give --approver-keys "
                    + "(or $" + TrustedKeys.APPROVER_ENV + ") to check who signed them."
                    : "  Checked: " + a.signed() + " signed approval(s), each by a trusted approver key, for this run, "
                    + "step, runbook and parameters; distinct keys per step.");
        }
        if (a.unsigned() > 0) {
            lines.add("  NOT checked: " + a.unsigned() + " approval(s) given as typed names: they do not prove who "
                    + "approved, nor that two approvers were two people.");
        }
        return lines;
    }

    /** OK only when authenticated; otherwise it says the chain is merely consistent. */
    static String headline(RecordVerifier.Verdict v) {
        return v.authenticated() ? "OK, intact and authenticated" : "CONSISTENT BUT NOT AUTHENTICATED";
    }

    private static String label(RecordVerifier.Verdict v) {
        String failed = v.checks().stream().filter(c -> c.status() == RecordVerifier.Status.FAILED)
                .map(RecordVerifier.Check::name).findFirst().orElse("");
        return switch (failed) {
            case "run" -> "WRONG RUN";
            case "complete" -> "INCOMPLETE";
            case "runbook" -> "OTHER RUNBOOK";
            default -> "TAMPERED";
        };
    }

    private static String about(RecordVerifier.Verdict v) {
        JournalEvent first = v.first();
        JournalEvent last = v.last();
        String os = first.dataString("os_user") == null ? "" : " (OS user " + first.dataString("os_user")
                + (first.dataString("os_uid") == null ? "" : ", uid " + first.dataString("os_uid")) + ")";
        return v.events().size() + " events of run " + first.run() + " by " + first.operator() + os
                + (first.dataString("host") == null ? "" : " on " + first.dataString("host")) + ", " + first.time()
                + " to " + last.time() + ", final status " + v.finalStatus() + "; the hash chain ends at "
                + last.hash();
    }

    private static void printChecks(PrintWriter w, RecordVerifier.Verdict v) {
        List<String> checked = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (RecordVerifier.Check c : v.checks()) {
            if (c.status() == RecordVerifier.Status.PASSED) {
                checked.add(c.text());
            } else if (c.status() == RecordVerifier.Status.FAILED) {
                failed.add(c.text());
            }
        }
        if (!checked.isEmpty()) {
            w.println("  Checked: " + String.join("; ", checked) + ".");
        }
        if (!failed.isEmpty()) {
            w.println("  FAILED: " + String.join("; ", failed) + ".");
        }
        if (!v.notChecked().isEmpty()) {
            w.println("  NOT checked: " + String.join("; ", v.notChecked().stream().map(RecordVerifier.Check::text)
                    .toList()) + ".");
        }
    }

    /**
     * What {@code verify --output json} prints (docs/schemas/verify.schema.json).
     *
     * @param ok        nothing failed: the journal's checks and the approvals
     * @param badLine   1-based number of the first bad line; null when there is none
     * @param status    the final status the journal records, or null
     * @param signature valid, not_checked, unsealed or invalid
     */
    record Json(boolean ok, boolean authenticated, Path journal, int events, Integer badLine, String problem,
                String runId, String status, String signature, String signerFingerprint, List<CheckJson> checks,
                Approvals approvals) {
    }

    /**
     * One check, in order.
     *
     * @param status passed, failed or not_checked
     */
    record CheckJson(String name, String status, String text) {
    }

    /**
     * The journal's approvals.
     *
     * @param checked  whether approver keys were given to check the signed ones
     * @param problems what is wrong with them
     */
    record Approvals(int signed, int unsigned, boolean checked, List<String> problems) {
    }

    private static Json json(Path journal, RecordVerifier.Verdict v, boolean ok, Approvals approvals) {
        JournalEvent first = v.first();
        return new Json(ok, v.authenticated(), journal, v.events().size(), v.badLine() == 0 ? null : v.badLine(),
                v.problem(), first == null ? null : first.run(), v.finalStatus(),
                v.seal().signature().name().toLowerCase(Locale.ROOT),
                v.seal().seal() == null ? null : v.seal().seal().fingerprint(),
                v.checks().stream().map(c -> new CheckJson(c.name(), c.status().name().toLowerCase(Locale.ROOT),
                        c.text())).toList(), approvals);
    }
}
