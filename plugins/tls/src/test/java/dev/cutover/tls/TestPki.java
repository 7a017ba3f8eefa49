package dev.cutover.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Test certificates made with Bouncy Castle: CAs, intermediates and servers, RSA or EC, valid, expired or misnamed. */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate with its private key and the chain above it (issuers, leaf excluded). */
    record Issued(X509Certificate cert, PrivateKey key, List<X509Certificate> parents) {
        X509Certificate[] chain() {
            X509Certificate[] c = new X509Certificate[parents.size() + 1];
            c[0] = cert;
            for (int i = 0; i < parents.size(); i++) {
                c[i + 1] = parents.get(i);
            }
            return c;
        }
    }

    private TestPki() {
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Issued root(String cn, KeyPair keys) {
        return build(cn, keys, null, true, List.of(), Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(3650)));
    }

    static Issued intermediate(String cn, KeyPair keys, Issued issuer) {
        return build(cn, keys, issuer, true, List.of(), Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(1825)));
    }

    static Issued server(String cn, KeyPair keys, Issued issuer, List<String> dnsNames) {
        return build(cn, keys, issuer, false, dnsNames, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(365)));
    }

    static Issued server(String cn, KeyPair keys, Issued issuer, List<String> dnsNames, Instant notBefore, Instant notAfter) {
        return build(cn, keys, issuer, false, dnsNames, notBefore, notAfter);
    }

    static Issued build(String cn, KeyPair keys, Issued issuer, boolean ca, List<String> names, Instant from, Instant to) {
        try {
            X500Name subject = new X500Name("C=GB,O=cutover tests,CN=" + cn);
            X500Name issuerName = issuer == null ? subject
                    : X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), subject, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(0) : new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, ca ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (!names.isEmpty()) {
                GeneralName[] gn = names.stream().map(n -> n.matches("[0-9.]+")
                        ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n))
                        .toArray(GeneralName[]::new);
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn));
            }
            PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.key();
            String alg = signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
            List<X509Certificate> parents = issuer == null ? List.of()
                    : java.util.stream.Stream.concat(java.util.stream.Stream.of(issuer.cert()), issuer.parents().stream()).toList();
            return new Issued(cert, keys.getPrivate(), parents);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text of the given objects (certificates, keys). */
    static String pem(Object... objects) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sw.toString();
    }

    static Path writePem(Path file, Object... objects) throws IOException {
        Files.writeString(file, pem(objects), StandardCharsets.US_ASCII);
        return file;
    }

    static Path rdsBundle() throws IOException {
        Path p = Path.of("src/test/resources/aws-rds-global-bundle.pem");
        if (!Files.isRegularFile(p)) {
            throw new IOException("fixture missing: " + p.toAbsolutePath());
        }
        return p;
    }
}
