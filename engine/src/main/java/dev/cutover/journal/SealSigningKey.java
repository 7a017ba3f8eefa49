package dev.cutover.journal;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** An Ed25519 private key that seals journals; its {@code toString} never shows the key. */
public final class SealSigningKey {
    private final Ed25519PrivateKeyParameters key;

    SealSigningKey(Ed25519PrivateKeyParameters key) {
        this.key = key;
    }

    /** The matching public key. */
    public SealPublicKey publicKey() {
        return new SealPublicKey(key.generatePublicKey());
    }

    /** The base64 Ed25519 signature over the ASCII bytes of {@code lastHash}. */
    public String sign(String lastHash) {
        byte[] msg = lastHash.getBytes(StandardCharsets.US_ASCII);
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        s.update(msg, 0, msg.length);
        return Base64.getEncoder().encodeToString(s.generateSignature());
    }

    @Override
    public String toString() {
        return "Ed25519 signing key " + publicKey().fingerprint();
    }
}
