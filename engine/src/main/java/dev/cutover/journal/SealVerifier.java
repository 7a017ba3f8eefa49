package dev.cutover.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a journal's hash chain and, when it is sealed, its seal: the seal must be the last line,
 * name the hash of the line before it, and carry a valid Ed25519 signature by the given public key.
 * Needs nothing but the journal file and the public key.
 */
public final class SealVerifier {

    private SealVerifier() {
    }

    /** What is known about the signature. */
    public enum Signature {
        /** Signed by the given public key. */
        VALID,
        /** Sealed, but no public key was given to check the signature against. */
        NOT_CHECKED,
        /** Not sealed, and no public key was asked for. */
        UNSEALED,
        /** Wrong key, bad signature, missing seal when a key was given, or a broken chain. */
        INVALID
    }

    /**
     * @param ok        whether the chain holds and the seal (if any, or if a key was given) is valid
     * @param events    the events read (up to the first bad line)
     * @param badLine   1-based number of the first bad line, or 0
     * @param problem   what is wrong, or null
     * @param seal      the seal, or null
     * @param signature what is known about the signature
     */
    public record Verdict(boolean ok, List<JournalEvent> events, int badLine, String problem, Seal seal,
                          Signature signature) {
        public JournalEvent first() {
            return events.isEmpty() ? null : events.get(0);
        }

        public JournalEvent last() {
            return events.isEmpty() ? null : events.get(events.size() - 1);
        }

        /** The status of the last {@code run.finished}, or {@code unfinished}. */
        public String finalStatus() {
            for (int i = events.size() - 1; i >= 0; i--) {
                if (events.get(i).event().equals("run.finished")) {
                    String s = events.get(i).dataString("status");
                    return s == null ? "unknown" : s;
                }
            }
            return "unfinished";
        }
    }

    /**
     * Verifies {@code journal}; with {@code publicKey} null the seal's signature is not checked, but
     * its place and the hash it names still are.
     */
    public static Verdict verify(Path journal, SealPublicKey publicKey) throws IOException {
        JournalVerifier.Verdict chain = JournalVerifier.verify(journal);
        List<JournalEvent> events = chain.events();
        if (!chain.ok()) {
            return new Verdict(false, events, chain.badLine(), chain.problem(), null, Signature.INVALID);
        }
        int sealAt = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).event().equals(Seal.EVENT)) {
                sealAt = i;
                break;
            }
        }
        if (sealAt < 0) {
            if (publicKey == null) {
                return new Verdict(true, events, 0, null, null, Signature.UNSEALED);
            }
            int n = events.size() + 1;
            return fail(events, n, "line " + n + ": the seal is missing: the journal ends with '"
                    + events.get(events.size() - 1).event() + "' on line " + events.size()
                    + "; the run was never signed, or its last line(s) were removed", null);
        }
        Seal seal = Seal.of(events.get(sealAt), sealAt + 1);
        if (sealAt != events.size() - 1) {
            int n = sealAt + 2;
            return fail(events, n, "line " + n + " comes after the seal on line " + seal.line()
                    + ": lines were added after the run was sealed", seal);
        }
        JournalEvent sealEvent = events.get(sealAt);
        if (seal.lastHash() == null || !seal.lastHash().equals(sealEvent.prev())) {
            return fail(events, seal.line(), "line " + seal.line() + ": the seal does not name the hash of line "
                    + sealAt, seal);
        }
        if (!SealKeys.ALGORITHM.equals(seal.algorithm()) || seal.signature() == null) {
            return fail(events, seal.line(), "line " + seal.line() + ": the seal's algorithm is "
                    + seal.algorithm() + ", expected " + SealKeys.ALGORITHM, seal);
        }
        if (publicKey == null) {
            return new Verdict(true, events, 0, null, seal, Signature.NOT_CHECKED);
        }
        if (!publicKey.fingerprint().equals(seal.fingerprint())) {
            return fail(events, seal.line(), "line " + seal.line() + ": sealed by another key (" + seal.fingerprint()
                    + "), not by the given public key (" + publicKey.fingerprint() + ")", seal);
        }
        if (!publicKey.verifies(seal.lastHash(), seal.signature())) {
            return fail(events, seal.line(), "line " + seal.line() + ": the signature does not verify with the "
                    + "given public key", seal);
        }
        return new Verdict(true, events, 0, null, seal, Signature.VALID);
    }

    private static Verdict fail(List<JournalEvent> events, int line, String problem, Seal seal) {
        return new Verdict(false, events, line, problem, seal, Signature.INVALID);
    }
}
