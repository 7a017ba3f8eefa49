package dev.cutover.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the certificates of a store or bundle with the JDK alone: JKS, JCEKS and PKCS12 stores, PEM
 * files with any number of certificates (text between the blocks is skipped), DER and PKCS#7. The
 * type is worked out from the content, never from the file name.
 */
final class CertificateFiles {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");
    private static final Pattern CN = Pattern.compile("(?:^|,)\\s*CN=((?:\\\\.|[^,\\\\])+)");

    /**
     * One certificate and where it was found.
     *
     * @param where   file plus alias (stores) or position (bundles)
     * @param alias   the store alias, or the CN in lower case for bundles
     * @param subject the subject DN
     * @param issuer  the issuer DN
     * @param notAfter when it expires
     * @param sha256  upper-case, colon-separated fingerprint
     */
    record Cert(String where, String alias, String subject, String issuer, java.time.Instant notAfter, String sha256) {

        /** The subject's common name, or the whole subject when it has none. */
        String cn() {
            Matcher m = CN.matcher(subject);
            return m.find() ? m.group(1).replace("\\", "") : subject;
        }
    }

    /** A file that could not be read; the message names it and says what to do. */
    static final class UnreadableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableException(String message) {
            super(message);
        }
    }

    private CertificateFiles() {
    }

    /** Reads every certificate of {@code file}; {@code password} may be null (JKS and PEM need none). */
    static List<Cert> read(Path file, char[] password) throws UnreadableException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnreadableException("cannot read " + file + ": " + (Files.exists(file) ? e.getMessage()
                    : "no such file"));
        }
        if (bytes.length == 0) {
            throw new UnreadableException(file + " is empty");
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (text.contains("-----BEGIN ")) {
            return pem(file, text);
        }
        int magic = bytes.length >= 4 ? ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16)
                | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff) : 0;
        if (magic == 0xFEEDFEED) {
            return store(file, bytes, "JKS", password);
        }
        if (magic == 0xCECECECE) {
            return store(file, bytes, "JCEKS", password);
        }
        List<Cert> der = derOrPkcs7(file, bytes);
        return der.isEmpty() ? store(file, bytes, "PKCS12", password) : der;
    }

    /** The certificates of a DER or PKCS#7 file; empty when it is neither. */
    private static List<Cert> derOrPkcs7(Path file, byte[] bytes) {
        try {
            return certificates(file, CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes)));
        } catch (GeneralSecurityException | UnreadableException | RuntimeException notDerOrPkcs7) {
            return List.of();
        }
    }

    private static List<Cert> pem(Path file, String text) throws UnreadableException {
        List<Cert> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
            try {
                byte[] der = Base64.getMimeDecoder().decode(m.group(1));
                X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der));
                out.add(cert(file + " #" + n, cn(c).toLowerCase(Locale.ROOT), c));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new UnreadableException("certificate #" + n + " in " + file + " cannot be parsed: "
                        + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new UnreadableException(file + " is PEM but holds no CERTIFICATE block");
        }
        return out;
    }

    private static List<Cert> certificates(Path file, java.util.Collection<? extends Certificate> certs)
            throws UnreadableException {
        List<Cert> out = new ArrayList<>();
        int n = 0;
        for (Certificate c : certs) {
            n++;
            if (c instanceof X509Certificate x) {
                out.add(cert(file + " #" + n, cn(x).toLowerCase(Locale.ROOT), x));
            }
        }
        if (out.isEmpty()) {
            throw new UnreadableException(file + " holds no X.509 certificate");
        }
        return out;
    }

    private static List<Cert> store(Path file, byte[] bytes, String type, char[] password) throws UnreadableException {
        KeyStore ks;
        try {
            ks = KeyStore.getInstance(type);
            ks.load(new ByteArrayInputStream(bytes), password);
        } catch (IOException e) {
            boolean pw = e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password");
            throw new UnreadableException("cannot open " + type + " store " + file + ": " + (pw
                    ? "the password is wrong (or the file was altered)" : "not a JKS, PKCS12, PEM, DER or PKCS#7 file ("
                    + e.getMessage() + ")"));
        } catch (GeneralSecurityException e) {
            throw new UnreadableException("cannot open " + type + " store " + file + ": " + e.getMessage());
        }
        List<Cert> out = new ArrayList<>();
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.getCertificate(alias) instanceof X509Certificate c) {
                    out.add(cert(file + " [" + alias + "]", alias, c));
                }
            }
            if (out.isEmpty() && ks.size() == 0 && password == null && "PKCS12".equals(type)) {
                throw new UnreadableException("PKCS12 store " + file + " shows no certificates without its password; "
                        + "give it with --password-env VAR");
            }
        } catch (java.security.KeyStoreException e) {
            throw new UnreadableException("cannot list " + type + " store " + file + ": " + e.getMessage());
        }
        return out;
    }

    private static Cert cert(String where, String alias, X509Certificate c) {
        return new Cert(where, alias, c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                c.getNotAfter().toInstant(), sha256(c));
    }

    static String cn(X509Certificate c) {
        Matcher m = CN.matcher(c.getSubjectX500Principal().getName());
        return m.find() ? m.group(1).replace("\\", "") : c.getSubjectX500Principal().getName();
    }

    static String sha256(X509Certificate c) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
