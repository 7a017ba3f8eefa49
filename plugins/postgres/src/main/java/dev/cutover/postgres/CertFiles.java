package dev.cutover.postgres;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.spi.CertificateFileException;
import dev.cutover.spi.Certificates;
import dev.cutover.spi.StepFailedException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import javax.security.auth.x500.X500Principal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * The postgres steps' view of certificate and key files: certificates through {@link Certificates} (one reader,
 * one fingerprint format), PEM private keys, and whether a key belongs to a certificate.
 */
final class CertFiles {

    /** A server certificate as the operator needs to see it. */
    record CertInfo(String subject, String issuer, String fingerprint, Instant notBefore, Instant notAfter,
                    X509Certificate certificate) {
    }

    private CertFiles() {
    }

    /** The first certificate of a PEM, DER or PKCS#7 file (a server's own comes before its chain). */
    static CertInfo readCert(Path file, String what) throws StepFailedException {
        try {
            return info(Certificates.read(file).get(0));
        } catch (CertificateFileException e) {
            throw new StepFailedException(what + ": " + e.getMessage());
        }
    }

    static CertInfo info(X509Certificate x) {
        return new CertInfo(x.getSubjectX500Principal().getName(X500Principal.RFC2253),
                x.getIssuerX500Principal().getName(X500Principal.RFC2253), fingerprint(x),
                x.getNotBefore().toInstant(), x.getNotAfter().toInstant(), x);
    }

    /** The keytool form ({@link Certificates#fingerprint}), as every step prints certificate fingerprints. */
    static String fingerprint(X509Certificate x) {
        return Certificates.fingerprint(x);
    }

    /** Parses a PEM private key (PKCS#8 or traditional); the message never includes key material. */
    static PrivateKey readKey(Path file, String what) throws StepFailedException {
        byte[] bytes = read(file, what);
        try (Reader r = new java.io.InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return converter.getKeyPair(kp).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new StepFailedException(what + " " + file + " holds no unencrypted PEM private key");
        } catch (IOException e) {
            throw new StepFailedException(what + " " + file + " is not a PEM private key");
        }
    }

    /** Fails unless the key signs what the certificate's public key verifies. */
    static void checkPair(CertInfo cert, PrivateKey key, Path certFile, Path keyFile) throws StepFailedException {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519" -> "Ed25519";
            default -> throw new StepFailedException("key " + keyFile + " uses unsupported algorithm " + key.getAlgorithm());
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.certificate().getPublicKey());
            v.update(challenge);
            if (!v.verify(sig)) {
                throw new StepFailedException("key " + keyFile + " does not belong to certificate " + certFile
                        + " (" + cert.subject() + "); PostgreSQL would refuse to load the pair");
            }
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("key " + keyFile + " does not belong to certificate " + certFile
                    + " (" + cert.subject() + "): " + e.getMessage());
        }
    }

    static String fileSha256(Path file, String what) throws StepFailedException {
        return sha256(read(file, what));
    }

    /** A file's checksum, lower-case hex as {@code sha256sum} prints it ({@link AtomicFiles#sha256(byte[])}). */
    static String sha256(byte[] bytes) {
        return AtomicFiles.sha256(bytes);
    }

    static byte[] read(Path file, String what) throws StepFailedException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StepFailedException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new StepFailedException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }
}
