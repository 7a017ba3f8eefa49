package dev.cutover.tls;

import dev.cutover.spi.CertificateFileException;
import dev.cutover.spi.Certificates;
import dev.cutover.spi.StepFailedException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Reads certificate files for the tls steps: tells keystores from certificate files, and leaves the certificates
 * themselves to the one reader, {@link Certificates} (PEM, DER, PKCS#7; errors name the block).
 */
final class CertificateReader {
    private CertificateReader() {
    }

    /** The file's bytes, or an operator error naming the file and the input it came from. */
    static byte[] readBytes(Path file, String input) throws StepFailedException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StepFailedException("input '" + input + "': file " + file + " does not exist; check the path");
        } catch (IOException e) {
            throw new StepFailedException("input '" + input + "': cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Reads every certificate of a PEM, DER or PKCS#7 file, in file order. */
    static List<X509Certificate> read(Path file, String input) throws StepFailedException {
        byte[] bytes = readBytes(file, input);
        StoreKind kind = StoreKind.detect(bytes);
        if (kind == StoreKind.JKS || kind == StoreKind.PKCS12) {
            throw new StepFailedException("input '" + input + "': " + file + " is a " + kind.label()
                    + " keystore, not a certificate file; use tls.store-inspect for keystores");
        }
        return parse(bytes, kind, file, input);
    }

    /** The certificates of a PEM, DER or PKCS#7 file's bytes, read by the one reader ({@link Certificates}). */
    static List<X509Certificate> parse(byte[] bytes, StoreKind kind, Path file, String input) throws StepFailedException {
        if (kind != StoreKind.PEM && kind != StoreKind.DER && kind != StoreKind.PKCS7) {
            throw new StepFailedException("input '" + input + "': " + file
                    + " is not a certificate file (PEM, DER or PKCS#7)");
        }
        try {
            return Certificates.parse(bytes, file.toString());
        } catch (CertificateFileException e) {
            throw new StepFailedException("input '" + input + "': " + e.getMessage());
        }
    }

    /** Whether DER bytes are a PKCS#12 PFX (version 3 followed by content) rather than a certificate or PKCS#7. */
    static StoreKind classifyDer(byte[] bytes) {
        try {
            ASN1Primitive p = ASN1Primitive.fromByteArray(bytes);
            if (!(p instanceof ASN1Sequence seq) || seq.size() < 2) {
                return StoreKind.UNKNOWN;
            }
            ASN1Encodable first = seq.getObjectAt(0);
            if (first instanceof ASN1Integer) {
                return StoreKind.PKCS12;
            }
            if (PKCSObjectIdentifiers.signedData.equals(first)) {
                return StoreKind.PKCS7;
            }
            return first instanceof ASN1Sequence ? StoreKind.DER : StoreKind.UNKNOWN;
        } catch (IOException | IllegalArgumentException e) {
            return StoreKind.UNKNOWN;
        }
    }
}
