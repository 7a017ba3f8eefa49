package dev.cutover.http;

import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepFailedException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;

/**
 * The TLS context of one check, built fresh each time: trust exactly the given truststore (else the JVM's
 * default), and present a client certificate for mTLS from a keystore ({@code client_keystore}) or a PEM
 * certificate chain and key ({@code client_cert} + {@code client_key}).
 */
final class TlsContext {
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private TlsContext() {
    }

    static Optional<SSLContext> from(Inputs in) throws StepFailedException {
        boolean pem = in.has("client_cert") || in.has("client_key");
        if (pem && in.has("client_keystore")) {
            throw new StepFailedException("give a client certificate either as client_keystore or as client_cert and "
                    + "client_key, not both");
        }
        if (pem && !(in.has("client_cert") && in.has("client_key"))) {
            throw new StepFailedException("client_cert and client_key go together: give both");
        }
        if (!in.has("truststore") && !in.has("client_keystore") && !pem) {
            return Optional.empty();
        }
        try {
            TrustManager[] trust = in.has("truststore") ? trustManagers(in) : null;
            KeyManager[] keys = in.has("client_keystore") ? keystoreKeys(in) : pem ? pemKeys(in) : null;
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return Optional.of(ctx);
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("cannot set up TLS: " + e.getMessage());
        }
    }

    private static TrustManager[] trustManagers(Inputs in) throws StepFailedException, GeneralSecurityException {
        Path store = in.path("truststore");
        KeyStore ks = load(store, in.string("truststore_type"), in.has("truststore_password")
                ? in.secret("truststore_password").toChars() : null, "truststore", "truststore_password");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    private static KeyManager[] keystoreKeys(Inputs in) throws StepFailedException, GeneralSecurityException {
        Path store = in.path("client_keystore");
        char[] password = in.has("client_keystore_password") ? in.secret("client_keystore_password").toChars()
                : new char[0];
        KeyStore ks = load(store, in.string("client_keystore_type"), password, "client_keystore",
                "client_keystore_password");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        try {
            kmf.init(ks, password);
        } catch (java.security.UnrecoverableKeyException e) {
            throw new StepFailedException("client_keystore " + store + ": the key's password differs from "
                    + "client_keystore_password; cutover needs them equal (as keytool makes them for PKCS12)");
        }
        return kmf.getKeyManagers();
    }

    private static KeyManager[] pemKeys(Inputs in) throws StepFailedException, GeneralSecurityException {
        Path certFile = in.path("client_cert");
        Path keyFile = in.path("client_key");
        Collection<? extends Certificate> chain;
        try (InputStream s = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(s);
        } catch (IOException e) {
            throw new StepFailedException("client_cert: cannot read " + certFile + ": " + reason(e));
        } catch (java.security.cert.CertificateException e) {
            throw new StepFailedException("client_cert: " + certFile + " holds no PEM certificate: " + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new StepFailedException("client_cert: " + certFile + " holds no certificate");
        }
        PrivateKey key = privateKey(keyFile);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new StepFailedException("cannot create an in-memory keystore: " + e.getMessage());
        }
        ks.setKeyEntry("client", key, IN_MEMORY, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, IN_MEMORY);
        return kmf.getKeyManagers();
    }

    /** An unencrypted PEM private key (PKCS#8 or PKCS#1/SEC1), read with Bouncy Castle's PEM parser. */
    private static PrivateKey privateKey(Path file) throws StepFailedException {
        Object parsed;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            parsed = parser.readObject();
        } catch (IOException e) {
            throw new StepFailedException("client_key: cannot read " + file + ": " + reason(e));
        }
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
        } catch (IOException e) {
            throw new StepFailedException("client_key: " + file + " is not a usable private key: " + e.getMessage());
        }
        if (parsed instanceof PEMEncryptedKeyPair || parsed instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new StepFailedException("client_key: " + file + " is encrypted; give an unencrypted key readable only "
                    + "by the operator, or a client_keystore with client_keystore_password");
        }
        throw new StepFailedException("client_key: " + file + " holds no PEM private key");
    }

    private static KeyStore load(Path store, String type, char[] password, String input, String passwordInput)
            throws StepFailedException, GeneralSecurityException {
        try (InputStream stream = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(stream, password);
            return ks;
        } catch (NoSuchFileException e) {
            throw new StepFailedException(input + " " + store + " does not exist");
        } catch (IOException e) {
            throw new StepFailedException("cannot read " + input + " " + store + " as " + type + " (wrong "
                    + passwordInput + " or type?): " + e.getMessage());
        }
    }

    private static String reason(IOException e) {
        return e instanceof NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
    }
}
