package dev.cutover.tls;

import dev.cutover.spi.Secret;
import dev.cutover.spi.StepFailedException;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A keystore (JKS, PKCS12) or certificate file (PEM, DER, PKCS#7) seen as aliased entries.
 * Certificate files get aliases derived from each certificate's CN. Only JKS, PKCS12 and PEM can be written.
 */
final class CertStore {
    /** One entry: alias, kind (trusted_cert, private_key, secret_key) and its certificate (null for secret keys). */
    record Entry(String alias, String kind, X509Certificate cert) {
    }

    private final Path path;
    private final StoreKind kind;
    private final KeyStore keyStore;
    private final Map<String, X509Certificate> pemEntries;

    private CertStore(Path path, StoreKind kind, KeyStore keyStore, Map<String, X509Certificate> pemEntries) {
        this.path = path;
        this.kind = kind;
        this.keyStore = keyStore;
        this.pemEntries = pemEntries;
    }

    /** Opens an existing store; {@code declared} is the {@code type:} input or UNKNOWN to detect. */
    static CertStore open(Path path, StoreKind declared, Secret password, String input) throws StepFailedException {
        return open(CertificateReader.readBytes(path, input), path, declared, password, input);
    }

    /** Opens a store from its bytes (read from the step's host); {@code path} names it in messages. */
    static CertStore open(byte[] bytes, Path path, StoreKind declared, Secret password, String input)
            throws StepFailedException {
        StoreKind detected = StoreKind.detect(bytes);
        if (detected == StoreKind.UNKNOWN) {
            throw new StepFailedException("input '" + input + "': " + path + " is not a keystore or certificate file "
                    + "(not JKS, PKCS12, PEM, DER or PKCS#7)" + (bytes.length == 0 ? "; the file is empty" : "")
                    + "; check the path, or whether the file is corrupt");
        }
        if (declared != StoreKind.UNKNOWN && declared != detected) {
            throw new StepFailedException("input '" + input + "': " + path + " is declared as " + declared.label()
                    + " but its content is " + detected.label() + "; fix the type input or the path");
        }
        if (detected.isKeyStore()) {
            KeyStore ks = load(path, bytes, detected, password, input);
            if (password == null && detected == StoreKind.PKCS12 && !anyCertificate(ks)) {
                throw new StepFailedException("PKCS12 store " + path + " cannot be read without its password (its "
                        + "certificates are encrypted); give input '"
                        + ("truststore".equals(input) ? "truststore_password" : "password") + "'");
            }
            return new CertStore(path, detected, ks, null);
        }
        Map<String, X509Certificate> entries = new LinkedHashMap<>();
        for (X509Certificate c : CertificateReader.parse(bytes, detected, path, input)) {
            entries.put(Aliases.unique(Aliases.fromCn(c), entries.keySet()), c);
        }
        return new CertStore(path, detected, null, entries);
    }

    /** A new empty store of the given kind (JKS, PKCS12 or PEM), not yet written. */
    static CertStore create(Path path, StoreKind kind, String input) throws StepFailedException {
        if (kind == StoreKind.PEM) {
            return new CertStore(path, kind, null, new LinkedHashMap<>());
        }
        if (!kind.isKeyStore()) {
            throw new StepFailedException("input '" + input + "': can only create jks, pkcs12 or pem stores, not "
                    + kind.label());
        }
        try {
            KeyStore ks = KeyStore.getInstance(kind.name());
            ks.load(null, null);
            return new CertStore(path, kind, ks, null);
        } catch (GeneralSecurityException | IOException e) {
            throw new StepFailedException("cannot create an empty " + kind.label() + " store: " + e.getMessage());
        }
    }

    private static KeyStore load(Path path, byte[] bytes, StoreKind kind, Secret password, String input)
            throws StepFailedException {
        try {
            KeyStore ks = KeyStore.getInstance(kind.name());
            ks.load(new ByteArrayInputStream(bytes), password == null ? null : password.toChars());
            return ks;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new StepFailedException("cannot open " + kind.label() + " store " + path
                        + ": the password is wrong (or the file was altered); check the store password input");
            }
            throw new StepFailedException("cannot read " + path + " as a " + kind.label() + " store: "
                    + e.getMessage() + "; the file may be corrupt or truncated (restore it from a backup)");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new StepFailedException("cannot read " + path + " as a " + kind.label() + " store: " + e.getMessage()
                    + "; check input '" + input + "' and the password");
        }
    }

    /** Whether any entry's certificate could be read (PKCS12 hides them all when opened without the password). */
    private static boolean anyCertificate(KeyStore ks) throws StepFailedException {
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.getCertificate(alias) != null) {
                    return true;
                }
            }
            return false;
        } catch (KeyStoreException e) {
            throw new StepFailedException("cannot list the entries of a keystore: " + e.getMessage());
        }
    }

    Path path() {
        return path;
    }

    StoreKind kind() {
        return kind;
    }

    boolean writable() {
        return kind.isKeyStore() || kind == StoreKind.PEM;
    }

    /** Every entry, sorted by alias. */
    List<Entry> entries() throws StepFailedException {
        List<Entry> out = new ArrayList<>();
        if (pemEntries != null) {
            pemEntries.forEach((a, c) -> out.add(new Entry(a, "trusted_cert", c)));
        } else {
            try {
                for (String alias : Collections.list(keyStore.aliases())) {
                    out.add(entry(alias));
                }
            } catch (KeyStoreException e) {
                throw new StepFailedException("cannot list entries of " + path + ": " + e.getMessage());
            }
        }
        out.sort((a, b) -> a.alias().compareTo(b.alias()));
        return out;
    }

    private Entry entry(String alias) throws KeyStoreException {
        Certificate c = keyStore.getCertificate(alias);
        X509Certificate x = c instanceof X509Certificate xc ? xc : null;
        String k = keyStore.isCertificateEntry(alias) ? "trusted_cert" : x != null ? "private_key" : "secret_key";
        return new Entry(alias, k, x);
    }

    /** The certificates of all entries that have one. */
    List<X509Certificate> certificates() throws StepFailedException {
        List<X509Certificate> out = new ArrayList<>();
        for (Entry e : entries()) {
            if (e.cert() != null) {
                out.add(e.cert());
            }
        }
        return out;
    }

    boolean hasAlias(String alias) throws StepFailedException {
        String a = alias.toLowerCase(Locale.ROOT);
        return entries().stream().anyMatch(e -> e.alias().toLowerCase(Locale.ROOT).equals(a));
    }

    void addTrusted(String alias, X509Certificate cert) throws StepFailedException {
        if (pemEntries != null) {
            pemEntries.put(alias, cert);
            return;
        }
        try {
            keyStore.setCertificateEntry(alias, cert);
        } catch (KeyStoreException e) {
            throw new StepFailedException("cannot add alias '" + alias + "' to " + path + ": " + e.getMessage());
        }
    }

    void remove(String alias) throws StepFailedException {
        if (pemEntries != null) {
            pemEntries.remove(alias);
            return;
        }
        try {
            keyStore.deleteEntry(alias);
        } catch (KeyStoreException e) {
            throw new StepFailedException("cannot remove alias '" + alias + "' from " + path + ": " + e.getMessage());
        }
    }

    /** The store serialised in its own type, protected with the given password. */
    byte[] serialize(Secret password) throws StepFailedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (pemEntries != null) {
                try (JcaPEMWriter w = new JcaPEMWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII))) {
                    for (X509Certificate c : pemEntries.values()) {
                        w.writeObject(c);
                    }
                }
            } else {
                keyStore.store(out, password == null ? new char[0] : password.toChars());
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new StepFailedException("cannot write " + kind.label() + " store " + path + ": " + e.getMessage());
        }
        return out.toByteArray();
    }

    /** A JDK KeyStore holding every certificate as a trusted entry, for trust managers. */
    KeyStore asTrustStore() throws StepFailedException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : certificates()) {
                ks.setCertificateEntry("c" + i++, c);
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new StepFailedException("cannot build a trust store from " + path + ": " + e.getMessage());
        }
    }

    static boolean exists(Path path) {
        return Files.isRegularFile(path);
    }
}
