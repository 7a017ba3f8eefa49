package dev.cutover.journal;

import dev.cutover.secrets.Masker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seal of a run: the journal's last event {@code run.sealed}, carrying the hash of the event
 * before it, an Ed25519 signature over that hash (its 64 ASCII hex characters), and the signer's
 * public key fingerprint. The seal is itself chained, so nothing can follow it unnoticed.
 *
 * @param line        the 1-based journal line of the seal
 * @param lastHash    the hash of the event before the seal
 * @param signature   base64 Ed25519 signature over {@code lastHash}
 * @param fingerprint the signer's public key fingerprint ({@link SealPublicKey#fingerprint()})
 * @param algorithm   {@code Ed25519}
 */
public record Seal(int line, String lastHash, String signature, String fingerprint, String algorithm) {
    /** The journal event name of a seal. */
    public static final String EVENT = "run.sealed";

    /** Appends the seal to the journal in {@code runDirectory} and returns it. */
    public static Seal append(Path runDirectory, SealSigningKey key, Masker masker) throws IOException {
        JournalReader.ReadResult read = JournalReader.read(runDirectory.resolve(Journal.FILE_NAME));
        if (read.events().isEmpty()) {
            throw new IOException(runDirectory + " holds no journal event to seal");
        }
        String operator = read.events().get(0).operator();
        try (Journal j = Journal.reopen(runDirectory, operator, masker)) {
            String last = j.lastHash();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("last_hash", last);
            data.put("signature", key.sign(last));
            data.put("public_key_fingerprint", key.publicKey().fingerprint());
            data.put("algorithm", SealKeys.ALGORITHM);
            JournalEvent e = j.append(EVENT, null, null, null, data);
            return of(e, (int) e.seq());
        }
    }

    static Seal of(JournalEvent e, int line) {
        return new Seal(line, e.dataString("last_hash"), e.dataString("signature"),
                e.dataString("public_key_fingerprint"), e.dataString("algorithm"));
    }
}
