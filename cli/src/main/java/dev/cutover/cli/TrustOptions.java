package dev.cutover.cli;

import dev.cutover.journal.Canonical;
import dev.cutover.journal.RecordVerifier;
import dev.cutover.journal.SealKeys;
import dev.cutover.journal.SealPublicKey;
import dev.cutover.journal.TrustedKeys;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which keys are trusted, and which runbook the record must name: for verify, report, export and recovery. */
class TrustOptions {
    @Option(names = "--trusted-keys", paramLabel = "DIR|FILE", description = "Public keys whose seals are trusted: "
            + "a PEM file, or a directory of *.pem (repeatable; also $" + TrustedKeys.ENV + ", separated by ':'). "
            + "With any trusted key, the run must be sealed by one of them.")
    List<Path> trustedKeys = new ArrayList<>();

    @Option(names = "--runbook", paramLabel = "FILE", description = "The runbook that ran: its SHA-256 must be "
            + "the one the journal records. resume and rollback run this file, never a path taken from the journal "
            + "(unless the journal is sealed by a trusted key).")
    Path runbook;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    /** The trusted keys: {@code publicKey} (may be null), --trusted-keys and $CUTOVER_TRUSTED_KEYS. */
    List<SealPublicKey> keys(Path publicKey) throws IOException {
        Map<String, SealPublicKey> all = new LinkedHashMap<>();
        if (publicKey != null) {
            SealPublicKey k = SealKeys.readPublic(publicKey);
            all.put(k.fingerprint(), k);
        }
        for (SealPublicKey k : TrustedKeys.load(trustedKeys, CutoverCli.environmentOf(mixee).get(TrustedKeys.ENV))) {
            all.putIfAbsent(k.fingerprint(), k);
        }
        return List.copyOf(all.values());
    }

    /** {@code expect} plus the runbook given with --runbook, if any. */
    RecordVerifier.Expect expect(RecordVerifier.Expect expect) throws IOException {
        if (runbook == null) {
            return expect;
        }
        if (!Files.isRegularFile(runbook)) {
            throw new IOException("no runbook file " + runbook);
        }
        return expect.runbook(Canonical.sha256(Files.readAllBytes(runbook)), "the runbook " + runbook);
    }
}
