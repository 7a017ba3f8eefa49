package dev.cutover.demo;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One answer of the payment service's {@code GET /health}.
 *
 * @param status the HTTP status, or 0 when the service did not answer
 * @param body   the JSON body, or the connection error; never null
 */
public record AppHealth(int status, String body) {

    /** Whether the service answered 200 (database reachable over verified TLS). */
    public boolean up() {
        return status == 200;
    }

    /** The issuer of the certificate the database presented, as the service saw it. */
    public Optional<String> serverCertIssuer() {
        return field("server_cert_issuer");
    }

    /** The truststore the service reports it loaded at start-up. */
    public Optional<String> truststore() {
        return field("truststore");
    }

    /** The failure the service reported (e.g. "PKIX path building failed"), when it is down. */
    public Optional<String> error() {
        return field("error");
    }

    private Optional<String> field(String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(body);
        return m.find() ? Optional.of(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\")) : Optional.empty();
    }
}
