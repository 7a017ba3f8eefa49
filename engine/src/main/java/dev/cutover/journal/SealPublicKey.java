package dev.cutover.journal;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** An Ed25519 public key that checks seals. */
public final class SealPublicKey {
    private final Ed25519PublicKeyParameters key;

    SealPublicKey(Ed25519PublicKeyParameters key) {
        this.key = key;
    }

    /**
     * {@code sha256:} and the hex SHA-256 of the key's DER SubjectPublicKeyInfo, the same bytes as
     * {@code openssl pkey -pubin -in KEY.pem -outform DER | sha256sum}.
     */
    public String fingerprint() {
        return "sha256:" + Canonical.sha256(SealKeys.publicDer(key));
    }

    /** The key as a PEM {@code PUBLIC KEY}. */
    public String pem() {
        return SealKeys.publicPem(key);
    }

    /** Whether {@code signatureBase64} is this key's signature over the ASCII bytes of {@code lastHash}. */
    public boolean verifies(String lastHash, String signatureBase64) {
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(signatureBase64);
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] msg = lastHash.getBytes(StandardCharsets.US_ASCII);
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, key);
        v.update(msg, 0, msg.length);
        return v.verifySignature(sig);
    }

    @Override
    public String toString() {
        return "Ed25519 public key " + fingerprint();
    }
}
