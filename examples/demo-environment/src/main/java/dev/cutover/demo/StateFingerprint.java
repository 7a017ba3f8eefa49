package dev.cutover.demo;

/**
 * What the demo's change would alter, hashed, so a scenario can prove that nothing changed.
 *
 * @param dbServerCertSha256    SHA-256 of the certificate (DER) in the server's ssl_cert_file
 * @param truststoreSha256      SHA-256 of the truststore file the environment file names
 * @param appTruststoreSha256   SHA-256 of the truststore file the running service was started with
 */
public record StateFingerprint(String dbServerCertSha256, String truststoreSha256, String appTruststoreSha256) {

    @Override
    public String toString() {
        return "db-cert " + dbServerCertSha256.substring(0, 12) + ", truststore " + truststoreSha256.substring(0, 12)
                + ", app truststore " + appTruststoreSha256.substring(0, 12);
    }
}
