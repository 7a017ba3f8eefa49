package dev.cutover.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a journal's hash chain and, when it is sealed, its seals: the journal must end with a seal,
 * and every seal must name the hash of the line before it and carry a valid Ed25519 signature by the
 * given public key. (A run resumed or rolled back later is sealed again, so a journal may hold several.)
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
     * @param seal      the last seal, or null
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
            return JournalEvent.finalStatus(events);
        }
    }

    /**
     * Verifies {@code journal}; with {@code publicKey} null the seal's signature is not checked, but
     * its place and the hash it names still are.
     */
    public static Verdict verify(Path journal, SealPublicKey publicKey) throws IOException {
        return verify(Files.readAllBytes(journal), publicKey == null ? List.of() : List.of(publicKey));
    }

    /**
     * Verifies the journal in {@code bytes} against a set of trusted keys: with none, the seal's place and
     * the hash it names are checked but not its signature; with some, the journal must be sealed and every
     * seal signed by one of them (chosen by the fingerprint the seal names, never trusted from the journal).
     */
    public static Verdict verify(byte[] bytes, List<SealPublicKey> trusted) {
        return verify(JournalVerifier.verify(bytes), trusted);
    }

    /** The seal verdict over an already checked chain. */
    public static Verdict verify(JournalVerifier.Verdict chain, List<SealPublicKey> trusted) {
        List<JournalEvent> events = chain.events();
        if (!chain.ok()) {
            return new Verdict(false, events, chain.badLine(), chain.problem(), null, Signature.INVALID);
        }
        int lastSeal = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).event().equals(Seal.EVENT)) {
                lastSeal = i;
            }
        }
        if (lastSeal < 0) {
            if (trusted.isEmpty()) {
                return new Verdict(true, events, 0, null, null, Signature.UNSEALED);
            }
            int n = events.size() + 1;
            return fail(events, n, "line " + n + ": the seal is missing: the journal ends with '"
                    + events.get(events.size() - 1).event() + "' on line " + events.size()
                    + "; the run was never signed, or its last line(s) were removed", null);
        }
        Seal last = Seal.of(events.get(lastSeal), lastSeal + 1);
        if (lastSeal != events.size() - 1) {
            int n = lastSeal + 2;
            return fail(events, n, "line " + n + " comes after the seal on line " + last.line()
                    + ": lines were added after the run was sealed (a later resume or rollback must be sealed "
                    + "again with --sign-key)", last);
        }
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).event().equals(Seal.EVENT)) {
                String problem = check(events.get(i), Seal.of(events.get(i), i + 1), trusted);
                if (problem != null) {
                    return fail(events, i + 1, "line " + (i + 1) + ": " + problem, last);
                }
            }
        }
        return new Verdict(true, events, 0, null, last, trusted.isEmpty() ? Signature.NOT_CHECKED : Signature.VALID);
    }

    /** What is wrong with one seal, or null. */
    private static String check(JournalEvent event, Seal seal, List<SealPublicKey> trusted) {
        if (seal.lastHash() == null || !seal.lastHash().equals(event.prev())) {
            return "the seal does not name the hash of the line before it";
        }
        if (!SealKeys.ALGORITHM.equals(seal.algorithm()) || seal.signature() == null) {
            return "the seal's algorithm is " + seal.algorithm() + ", expected " + SealKeys.ALGORITHM;
        }
        if (trusted.isEmpty()) {
            return null;
        }
        SealPublicKey key = trusted.stream().filter(k -> k.fingerprint().equals(seal.fingerprint())).findFirst()
                .orElse(null);
        if (key == null) {
            return trusted.size() == 1
                    ? "sealed by another key (" + seal.fingerprint() + "), not by the given public key ("
                            + trusted.get(0).fingerprint() + ")"
                    : "sealed by another key (" + seal.fingerprint() + "), none of the " + trusted.size()
                            + " trusted keys (" + String.join(", ", trusted.stream().map(SealPublicKey::fingerprint)
                            .toList()) + ")";
        }
        if (!key.verifies(seal.lastHash(), seal.signature())) {
            return "the signature does not verify with the " + (trusted.size() == 1 ? "given" : "trusted")
                    + " public key " + key.fingerprint();
        }
        return null;
    }

    private static Verdict fail(List<JournalEvent> events, int line, String problem, Seal seal) {
        return new Verdict(false, events, line, problem, seal, Signature.INVALID);
    }
}
