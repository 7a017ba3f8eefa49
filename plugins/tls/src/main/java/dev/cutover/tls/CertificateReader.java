package dev.cutover.tls;

import dev.cutover.spi.StepFailedException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.openssl.PEMParser;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads certificates from PEM (one or many, certificates or PKCS#7 blocks), DER and PKCS#7 files with Bouncy Castle. */
final class CertificateReader {
    private static final JcaX509CertificateConverter CONVERTER = new JcaX509CertificateConverter();

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

    static List<X509Certificate> parse(byte[] bytes, StoreKind kind, Path file, String input) throws StepFailedException {
        List<X509Certificate> certs = switch (kind) {
            case PEM -> pem(bytes, file, input);
            case DER -> List.of(der(bytes, file, input));
            case PKCS7 -> pkcs7(bytes, file, input);
            default -> throw new StepFailedException("input '" + input + "': " + file
                    + " is not a certificate file (PEM, DER or PKCS#7)");
        };
        if (certs.isEmpty()) {
            throw new StepFailedException("input '" + input + "': " + file + " holds no certificates; "
                    + "expected '-----BEGIN CERTIFICATE-----' blocks, DER or PKCS#7");
        }
        return certs;
    }

    private static List<X509Certificate> pem(byte[] bytes, Path file, String input) throws StepFailedException {
        List<X509Certificate> out = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.US_ASCII);
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(convert(h, file, input, out.size() + 1));
                } else if (o instanceof ContentInfo ci) {
                    out.addAll(signedData(new CMSSignedData(ci), file, input));
                }
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException | CMSException e) {
            throw new StepFailedException("input '" + input + "': " + file + " is not valid PEM near certificate #"
                    + (out.size() + 1) + ": " + e.getMessage() + "; check the file is not truncated or edited");
        }
        return out;
    }

    private static X509Certificate der(byte[] bytes, Path file, String input) throws StepFailedException {
        try {
            return convert(new X509CertificateHolder(bytes), file, input, 1);
        } catch (IOException | IllegalArgumentException e) {
            throw new StepFailedException("input '" + input + "': " + file + " is not a DER certificate: " + e.getMessage());
        }
    }

    private static List<X509Certificate> pkcs7(byte[] bytes, Path file, String input) throws StepFailedException {
        try {
            return signedData(new CMSSignedData(bytes), file, input);
        } catch (CMSException | IllegalArgumentException e) {
            throw new StepFailedException("input '" + input + "': " + file + " is not a PKCS#7 certificate bundle: "
                    + e.getMessage());
        }
    }

    private static List<X509Certificate> signedData(CMSSignedData data, Path file, String input) throws StepFailedException {
        List<X509Certificate> out = new ArrayList<>();
        for (X509CertificateHolder h : data.getCertificates().getMatches(null)) {
            out.add(convert(h, file, input, out.size() + 1));
        }
        return out;
    }

    private static X509Certificate convert(X509CertificateHolder h, Path file, String input, int n) throws StepFailedException {
        try {
            return CONVERTER.getCertificate(h);
        } catch (CertificateException e) {
            throw new StepFailedException("input '" + input + "': certificate #" + n + " in " + file
                    + " cannot be read: " + e.getMessage());
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
