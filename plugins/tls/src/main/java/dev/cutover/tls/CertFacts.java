package dev.cutover.tls;

import dev.cutover.spi.Certificates;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Facts about one certificate, in the JSON-friendly shape every step outputs. */
final class CertFacts {
    private CertFacts() {
    }

    /** subject, issuer, serial, not_before, not_after, sha256, is_ca, key_type, key_size. */
    static Map<String, Object> describe(X509Certificate cert) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", subject(cert));
        m.put("issuer", issuer(cert));
        m.put("serial", cert.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
        m.put("not_before", instant(cert.getNotBefore().toInstant()));
        m.put("not_after", instant(cert.getNotAfter().toInstant()));
        m.put("sha256", sha256(cert));
        m.put("is_ca", isCa(cert));
        m.put("key_type", keyType(cert.getPublicKey()));
        m.put("key_size", keySize(cert.getPublicKey()));
        return m;
    }

    static String subject(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName();
    }

    static String issuer(X509Certificate cert) {
        return cert.getIssuerX500Principal().getName();
    }

    static String instant(Instant i) {
        return i.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Upper-case, colon-separated SHA-256 of the DER encoding, as keytool and openssl print it ({@link Certificates}). */
    static String sha256(X509Certificate cert) {
        return Certificates.fingerprint(cert);
    }

    /** A fingerprint as an operator may write it (any case, with or without colons), normalised. */
    static String normalizeFingerprint(String text) {
        return Certificates.normalizeFingerprint(text);
    }

    static boolean isCa(X509Certificate cert) {
        return cert.getBasicConstraints() >= 0;
    }

    /** The subject's common name, or the whole subject when it has none. */
    static String commonName(X509Certificate cert) {
        X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        RDN[] cns = name.getRDNs(BCStyle.CN);
        if (cns.length == 0) {
            return subject(cert);
        }
        return IETFUtils.valueToString(cns[0].getFirst().getValue());
    }

    /** The DNS names and IP addresses in the subject alternative names; the CN when there are none. */
    static List<String> hostNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int kind = (Integer) san.get(0);
                    if (kind == 2 || kind == 7) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            names.add("(unreadable subject alternative names)");
        }
        if (names.isEmpty()) {
            names.add("CN=" + commonName(cert) + " (no subject alternative names)");
        }
        return names;
    }

    static String keyType(PublicKey key) {
        return key.getAlgorithm();
    }

    static int keySize(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        if (key instanceof DSAPublicKey dsa) {
            return dsa.getParams().getP().bitLength();
        }
        return switch (key.getAlgorithm()) {
            case "Ed25519", "X25519" -> 255;
            case "Ed448", "X448" -> 448;
            default -> 0;
        };
    }
}
