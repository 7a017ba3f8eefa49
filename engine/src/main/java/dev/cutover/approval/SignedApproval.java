package dev.cutover.approval;

import dev.cutover.journal.Canonical;
import dev.cutover.journal.SealPublicKey;
import dev.cutover.journal.SealSigningKey;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One approver's signed approval of one approval step of one run, as {@code cutover approve} writes it and the
 * journal keeps it. The signature is Ed25519, by the approver's own key (from {@code cutover keygen}), over the
 * SHA-256 (hex) of the canonical encoding of every other field, so it binds the approval to this run, this step,
 * this exact runbook and these parameters: it cannot be replayed on another run or after the runbook changed.
 *
 * @param run           the run id
 * @param step          the approval step's id
 * @param runbookSha256 the runbook's SHA-256 as {@code run.started} records it
 * @param paramsSha256  {@link #paramsHash} of the parameters {@code run.started} records (secrets masked)
 * @param approver      the approver's name, for people; identity is the key
 * @param time          when it was signed, ISO-8601 UTC
 * @param reason        why, for the record; may be empty
 * @param fingerprint   the approver's public key fingerprint
 * @param signature     base64 Ed25519 signature
 */
public record SignedApproval(String run, String step, String runbookSha256, String paramsSha256, String approver,
                             String time, String reason, String fingerprint, String signature) {
    /** The file format's id. */
    public static final String FORMAT = "cutover.approval/v1";

    /** The SHA-256 of the canonical encoding of the journaled (masked) parameters. */
    public static String paramsHash(Map<String, Object> journaledParams) {
        return Canonical.sha256(Canonical.encode(journaledParams == null ? Map.of() : journaledParams));
    }

    /** Signs an approval with the approver's key. */
    public static SignedApproval sign(SealSigningKey key, String run, String step, String runbookSha256,
                                      String paramsSha256, String approver, String time, String reason) {
        String fp = key.publicKey().fingerprint();
        SignedApproval unsigned = new SignedApproval(run, step, runbookSha256, paramsSha256, approver, time,
                reason == null ? "" : reason, fp, null);
        return new SignedApproval(run, step, runbookSha256, paramsSha256, approver, time, unsigned.reason(), fp,
                key.sign(unsigned.signedHash()));
    }

    /** The hash the signature covers: every field but the signature, canonically encoded. */
    public String signedHash() {
        Map<String, Object> m = fields();
        m.remove("signature");
        return Canonical.sha256(Canonical.encode(m));
    }

    /** Whether {@code key} is the approver's key and its signature holds. */
    public boolean signedBy(SealPublicKey key) {
        return key.fingerprint().equals(fingerprint) && signature != null && key.verifies(signedHash(), signature);
    }

    /** Every field, as written to the approval file and journaled in {@code approval.granted}. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("run", run);
        m.put("step", step);
        m.put("runbook_sha256", runbookSha256);
        m.put("params_sha256", paramsSha256);
        m.put("approver", approver);
        m.put("time", time);
        m.put("reason", reason);
        m.put("key_fingerprint", fingerprint);
        m.put("signature", signature);
        return m;
    }

    /** Reads the fields back (from a file or a journal event); null when they are not a signed approval. */
    public static SignedApproval of(Map<String, Object> m) {
        if (m == null || !FORMAT.equals(m.get("format"))) {
            return null;
        }
        return new SignedApproval(s(m, "run"), s(m, "step"), s(m, "runbook_sha256"), s(m, "params_sha256"),
                s(m, "approver"), s(m, "time"), s(m, "reason"), s(m, "key_fingerprint"), s(m, "signature"));
    }

    private static String s(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v == null ? null : v.toString();
    }
}
