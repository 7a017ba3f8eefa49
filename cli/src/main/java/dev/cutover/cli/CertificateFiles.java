package dev.cutover.cli;

import dev.cutover.spi.CertificateFileException;
import dev.cutover.spi.Certificates;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the certificates of a store or bundle: JKS, JCEKS and PKCS12 stores with the JDK's KeyStore, PEM
 * files with any number of certificates, DER and PKCS#7 with the one reader, {@link Certificates}. The
 * type is worked out from the content, never from the file name.
 */
final class CertificateFiles {
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
        if (Certificates.isPem(bytes)) {
            return bundle(file, bytes);
        }
        int magic = bytes.length >= 4 ? ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16)
                | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff) : 0;
        if (magic == 0xFEEDFEED) {
            return store(file, bytes, "JKS", password);
        }
        if (magic == 0xCECECECE) {
            return store(file, bytes, "JCEKS", password);
        }
        try {
            return bundle(file, bytes);
        } catch (UnreadableException notDerOrPkcs7) {
            return store(file, bytes, "PKCS12", password);
        }
    }

    /** The certificates of a PEM, DER or PKCS#7 file, read by the one reader ({@link Certificates}). */
    private static List<Cert> bundle(Path file, byte[] bytes) throws UnreadableException {
        List<X509Certificate> certs;
        try {
            certs = Certificates.parse(bytes, file.toString());
        } catch (CertificateFileException e) {
            throw new UnreadableException(e.getMessage());
        }
        List<Cert> out = new ArrayList<>();
        for (X509Certificate c : certs) {
            out.add(cert(file + " #" + (out.size() + 1), cn(c).toLowerCase(Locale.ROOT), c));
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
        return Certificates.fingerprint(c);
    }
}
