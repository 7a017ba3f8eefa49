package dev.cutover.spi;

import java.security.cert.CertificateException;

/**
 * A certificate file that cannot be read by {@link Certificates}. The message is for the operator: it
 * names the file, the block (number and line) that is wrong, and what to check.
 *
 * @since 0.2
 */
public final class CertificateFileException extends CertificateException {
    private static final long serialVersionUID = 1L;

    /** @param message the operator message: file, block, what is wrong, what to do */
    public CertificateFileException(String message) {
        super(message);
    }

    /** @param message the operator message; {@code cause} is kept for the log */
    public CertificateFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
