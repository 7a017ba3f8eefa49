package dev.cutover.spi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The one way cutover reads certificate files and prints certificate fingerprints (the engine, the CLI
 * and every plugin use it). The policy:
 * <ul>
 *   <li>a file is PEM (any number of blocks, text between them ignored, {@code CERTIFICATE} and
 *       {@code PKCS7} blocks read, other blocks such as private keys skipped), DER (one certificate)
 *       or a DER PKCS#7 bundle; the format comes from the content, never from the file name;</li>
 *   <li>decoding is the JDK's {@link CertificateFactory} ({@code X.509}), one PEM block at a time, so an
 *       error names the file, the block's number and line and its label;</li>
 *   <li>a SHA-256 fingerprint is the DER encoding's digest in upper-case hex pairs separated by colons,
 *       exactly as {@code keytool -list -v} and {@code openssl x509 -noout -fingerprint -sha256} print
 *       it, so an operator can compare them by eye. (A file's checksum is another thing:
 *       {@link AtomicFiles#sha256(Path)}, lower-case hex as {@code sha256sum} prints it.)</li>
 * </ul>
 *
 * @since 0.2
 */
public final class Certificates {
    private static final byte[] BEGIN = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DASHES = "-----".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat FINGERPRINT = HexFormat.ofDelimiter(":").withUpperCase();
    private static final String FORMATS = "expected PEM ('-----BEGIN CERTIFICATE-----' blocks), DER or PKCS#7";

    private Certificates() {
    }

    /**
     * Every certificate in a PEM, DER or PKCS#7 file, in file order.
     *
     * @throws CertificateFileException when the file is missing, unreadable, holds no certificate, or a
     *                                  block cannot be decoded (the message names the file and the block)
     */
    public static List<X509Certificate> read(Path file) throws CertificateFileException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CertificateFileException(file + " does not exist; check the path");
        } catch (IOException e) {
            throw new CertificateFileException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    /**
     * Every certificate in {@code bytes} (PEM, DER or PKCS#7), in order.
     *
     * @param source what the bytes are, for messages (usually the file name)
     * @throws CertificateFileException naming {@code source} and the block that cannot be read
     */
    public static List<X509Certificate> parse(byte[] bytes, String source) throws CertificateFileException {
        if (bytes.length == 0) {
            throw new CertificateFileException(source + " is empty; " + FORMATS);
        }
        int first = indexOf(bytes, BEGIN, 0);
        List<X509Certificate> out = first >= 0 ? pem(bytes, first, source) : der(bytes, source);
        if (out.isEmpty()) {
            throw new CertificateFileException(source + " holds no certificates; " + FORMATS);
        }
        return out;
    }

    /** Whether {@code bytes} look like PEM (they hold a {@code -----BEGIN } line). */
    public static boolean isPem(byte[] bytes) {
        return indexOf(bytes, BEGIN, 0) >= 0;
    }

    private static List<X509Certificate> pem(byte[] bytes, int start, String source) throws CertificateFileException {
        List<X509Certificate> out = new ArrayList<>();
        int block = 0;
        for (int at = start; at >= 0; ) {
            block++;
            int line = lineOf(bytes, at);
            int labelStart = at + BEGIN.length;
            int labelEnd = indexOf(bytes, DASHES, labelStart);
            if (labelEnd < 0 || labelEnd - labelStart > 64) {
                throw new CertificateFileException(source + ": block #" + block + " (line " + line
                        + ") has a '-----BEGIN' line that does not end in '-----'; check the file is not edited");
            }
            String label = new String(bytes, labelStart, labelEnd - labelStart, StandardCharsets.US_ASCII).trim();
            byte[] endMarker = ("-----END " + label + "-----").getBytes(StandardCharsets.US_ASCII);
            int end = indexOf(bytes, endMarker, labelEnd);
            if (end < 0) {
                throw new CertificateFileException(source + ": block #" + block + " (line " + line + ", " + label
                        + ") has no '-----END " + label + "-----' line; the file is cut short or edited");
            }
            int blockEnd = end + endMarker.length;
            if (label.contains("CERTIFICATE") || label.equals("PKCS7") || label.equals("PKCS #7 SIGNED DATA")
                    || label.equals("CMS")) {
                try {
                    addAll(out, factory().generateCertificates(new ByteArrayInputStream(bytes, at, blockEnd - at)));
                } catch (CertificateException | RuntimeException e) {
                    throw new CertificateFileException(source + ": block #" + block + " (line " + line + ", " + label
                            + ") is not a readable certificate: " + reason(e)
                            + "; check the file is not truncated or edited", e);
                }
            }
            at = indexOf(bytes, BEGIN, blockEnd);
        }
        return out;
    }

    private static List<X509Certificate> der(byte[] bytes, String source) throws CertificateFileException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            addAll(out, factory().generateCertificates(new ByteArrayInputStream(bytes)));
        } catch (CertificateException | RuntimeException e) {
            throw new CertificateFileException(source + " is not a certificate file: not PEM, and not a DER "
                    + "certificate or PKCS#7 bundle (" + reason(e) + "); " + FORMATS, e);
        }
        return out;
    }

    private static void addAll(List<X509Certificate> out, java.util.Collection<? extends Certificate> certs) {
        for (Certificate c : certs) {
            if (c instanceof X509Certificate x) {
                out.add(x);
            }
        }
    }

    /**
     * The certificate's SHA-256 fingerprint as keytool and openssl print it: {@code 3A:F2:...} (95 characters).
     *
     * @throws IllegalStateException when the certificate cannot be encoded (it was parsed, so it can)
     */
    public static String fingerprint(X509Certificate cert) {
        try {
            return fingerprint(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode certificate " + cert.getSubjectX500Principal(), e);
        }
    }

    /** The SHA-256 fingerprint of a DER encoding, in the same form as {@link #fingerprint(X509Certificate)}. */
    public static String fingerprint(byte[] der) {
        try {
            return FINGERPRINT.formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * A fingerprint as an operator may write it (any case, with or without colons or spaces, an optional
     * {@code SHA256:} or {@code sha256 Fingerprint=} prefix as keytool and openssl print it) in the canonical form, so it compares equal to {@link #fingerprint}. Text that
     * is not hex comes back upper-cased and will match nothing.
     */
    public static String normalizeFingerprint(String text) {
        String t = text.trim();
        if (t.contains("=")) {
            t = t.substring(t.lastIndexOf('=') + 1); // openssl: "sha256 Fingerprint=3A:F2:..."
        } else if (t.regionMatches(true, 0, "SHA256:", 0, 7)) {
            t = t.substring(7); // keytool: "SHA256: 3A:F2:..."
        }
        String hex = t.replace(":", "").replace(" ", "").toUpperCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(hex.length() * 3 / 2);
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                b.append(':');
            }
            b.append(hex, i, Math.min(i + 2, hex.length()));
        }
        return b.toString();
    }

    private static CertificateFactory factory() throws CertificateException {
        return CertificateFactory.getInstance("X.509");
    }

    private static String reason(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace("java.io.IOException: ", "").replace("Could not parse certificate: ", "");
    }

    private static int lineOf(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int indexOf(byte[] bytes, byte[] what, int from) {
        outer:
        for (int i = Math.max(0, from); i <= bytes.length - what.length; i++) {
            for (int k = 0; k < what.length; k++) {
                if (bytes[i + k] != what[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
