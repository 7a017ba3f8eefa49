package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.SealKeys;
import dev.cutover.journal.SealPublicKey;
import dev.cutover.journal.SealVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cutover verify}: checks a journal's hash chain and seal, offline. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a run's journal: every line's hash and its chain to the line before, and the seal "
                + "(run --sign-key) if there is one. With --public-key the run must be sealed by that key. Exit 0 "
                + "when intact, 1 when any line was edited, removed, inserted or reordered, the tail was cut, or the "
                + "seal or signature is wrong, 2 when the run or key is not found.")
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run id, run directory, journal file, "
            + "or the directory an exported zip unpacks to.")
    String run;

    @Option(names = "--public-key", paramLabel = "FILE",
            description = "The signer's public key (PEM); the run must be sealed with its private key.")
    Path publicKey;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path journal = ReportCommand.journal(run, global.stateDirectory());
        if (journal == null) {
            spec.commandLine().getErr().println("cutover: no run '" + run + "' (looked for a journal file, a run "
                    + "directory, and " + global.stateDirectory().resolve("runs") + "/" + run + ")");
            return 2;
        }
        SealPublicKey key = null;
        if (publicKey != null) {
            try {
                key = SealKeys.readPublic(publicKey);
            } catch (IOException e) {
                spec.commandLine().getErr().println("cutover: " + e.getMessage());
                return 2;
            }
        }
        SealVerifier.Verdict v;
        try {
            v = SealVerifier.verify(journal, key);
        } catch (IOException e) {
            spec.commandLine().getErr().println("cutover: cannot read " + journal + ": " + e.getMessage());
            return 2;
        }
        JournalEvent first = v.first();
        JournalEvent last = v.last();
        String status = v.finalStatus();
        if (global.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", v.ok());
            m.put("journal", journal.toString());
            m.put("events", v.events().size());
            m.put("bad_line", v.badLine());
            m.put("problem", v.problem());
            m.put("run_id", first == null ? null : first.run());
            m.put("status", status);
            m.put("signature", v.signature().name().toLowerCase(java.util.Locale.ROOT));
            m.put("signer_fingerprint", v.seal() == null ? null : v.seal().fingerprint());
            JsonSummary.print(spec.commandLine().getOut(), m);
        } else if (v.ok()) {
            spec.commandLine().getOut().println("OK: " + journal + " is intact: " + v.events().size() + " events of run "
                    + first.run() + " by " + first.operator() + ", " + first.time() + " to " + last.time()
                    + ", final status " + status + ". The hash chain ends at " + last.hash() + ". " + sealText(v));
        } else {
            spec.commandLine().getErr().println("TAMPERED: " + journal + ": " + v.problem() + " (" + v.events().size()
                    + " lines before it verified)");
        }
        return v.ok() ? 0 : 1;
    }

    /** One sentence on the seal, for the verdict. */
    static String sealText(SealVerifier.Verdict v) {
        return switch (v.signature()) {
            case VALID -> "Sealed on line " + v.seal().line() + " with a valid " + v.seal().algorithm()
                    + " signature by " + v.seal().fingerprint() + ".";
            case NOT_CHECKED -> "Sealed on line " + v.seal().line() + " by " + v.seal().fingerprint()
                    + "; the signature was not checked: give --public-key to check it.";
            case UNSEALED -> "Not sealed (run without --sign-key), so only the chain was checked.";
            case INVALID -> "The seal is not valid.";
        };
    }
}
