package dev.cutover.http;

import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepFailedException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

/** An SSL context trusting exactly the given truststore, built fresh for each check. */
final class TrustContext {

    private TrustContext() {
    }

    static Optional<SSLContext> from(Inputs in) throws StepFailedException {
        if (!in.has("truststore")) {
            return Optional.empty();
        }
        Path store = in.path("truststore");
        String type = in.string("truststore_type");
        char[] password = in.has("truststore_password") ? in.secret("truststore_password").toChars() : null;
        try (InputStream stream = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(stream, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return Optional.of(ctx);
        } catch (NoSuchFileException e) {
            throw new StepFailedException("truststore " + store + " does not exist");
        } catch (IOException e) {
            throw new StepFailedException("cannot read truststore " + store + " as " + type
                    + " (wrong truststore_password or type?): " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("cannot use truststore " + store + ": " + e.getMessage());
        }
    }
}
