package dev.cutover.example.payment;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * Builds the JVM's default SSL context once, at start-up, from the truststore in effect
 * ({@code javax.net.ssl.trustStore}, else the JDK's jssecacerts/cacerts), the way a plain JVM does,
 * so that pgjdbc's {@code DefaultJavaSSLFactory} uses it. The trust manager also remembers the
 * certificate the server presented, for the health report.
 */
final class TrustSetup {
    static final String PASSWORD_ENV = "PAYMENT_TRUSTSTORE_PASSWORD";

    private final String storeInEffect;
    private final RecordingTrustManager recorder;

    private TrustSetup(String storeInEffect, RecordingTrustManager recorder) {
        this.storeInEffect = storeInEffect;
        this.recorder = recorder;
    }

    static TrustSetup installDefault(String password) {
        String path = System.getProperty("javax.net.ssl.trustStore");
        String type = System.getProperty("javax.net.ssl.trustStoreType", "PKCS12");
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            String inEffect;
            if (path == null || path.isBlank()) {
                tmf.init((KeyStore) null);
                inEffect = "JDK default (jssecacerts or cacerts)";
            } else {
                tmf.init(load(Path.of(path), type, password));
                inEffect = Path.of(path).toAbsolutePath().toString();
            }
            X509ExtendedTrustManager delegate = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    delegate = x;
                }
            }
            if (delegate == null) {
                throw new IllegalArgumentException("no X.509 trust manager available");
            }
            RecordingTrustManager recorder = new RecordingTrustManager(delegate);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recorder}, null);
            SSLContext.setDefault(context);
            return new TrustSetup(inEffect, recorder);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS trust: " + e.getMessage());
        }
    }

    private static KeyStore load(Path store, String type, String password) {
        if (!Files.isRegularFile(store)) {
            throw new IllegalArgumentException("truststore " + store + " (javax.net.ssl.trustStore) does not exist");
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password == null ? null : password.toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read truststore " + store + " as " + type
                    + " (is " + PASSWORD_ENV + " right?): " + e.getMessage());
        }
    }

    String describe() {
        return storeInEffect;
    }

    RecordingTrustManager recorder() {
        return recorder;
    }
}
