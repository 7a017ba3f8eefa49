package dev.cutover.aws;

import dev.cutover.spi.OutputSpec;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What DescribeDBInstances says about one DB instance, reduced to the fields a CA rotation needs.
 * Nullable fields are null when AWS did not return them.
 */
record DbInstanceState(String identifier, String arn, String status, String engine, String engineVersion,
                       String host, Integer port, String ca, String certificateCa, Instant certificateValidTill,
                       String pendingCa) {

    static final String AVAILABLE = "available";

    static DbInstanceState of(DBInstance i) {
        String pending = i.pendingModifiedValues() == null ? null : i.pendingModifiedValues().caCertificateIdentifier();
        return new DbInstanceState(i.dbInstanceIdentifier(), i.dbInstanceArn(), i.dbInstanceStatus(), i.engine(),
                i.engineVersion(), i.endpoint() == null ? null : i.endpoint().address(),
                i.endpoint() == null ? null : i.endpoint().port(), i.caCertificateIdentifier(),
                i.certificateDetails() == null ? null : i.certificateDetails().caIdentifier(),
                i.certificateDetails() == null ? null : i.certificateDetails().validTill(), pending);
    }

    boolean available() {
        return AVAILABLE.equals(status);
    }

    /**
     * What stops this instance from counting as rotated to {@code expected}: each entry names the
     * field and its value. Empty when the CA fields equal the target, status is available and
     * nothing is pending.
     */
    List<String> differencesFrom(String expected) {
        List<String> off = new ArrayList<>();
        if (!expected.equals(ca)) {
            off.add("CACertificateIdentifier is " + ca);
        }
        if (!expected.equals(certificateCa)) {
            off.add("CertificateDetails.CAIdentifier is " + certificateCa);
        }
        if (!available()) {
            off.add("status is " + status);
        }
        if (pendingCa != null) {
            off.add("PendingModifiedValues.CACertificateIdentifier is " + pendingCa
                    + (available() ? " (queued, not applied; was ApplyImmediately false?)" : ""));
        }
        return off;
    }

    /** JSON-friendly outputs; timestamps as ISO-8601 UTC. */
    Map<String, Object> outputs() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("db_instance", identifier);
        out.put("status", status);
        out.put("engine", engine);
        out.put("engine_version", engineVersion);
        out.put("endpoint_host", host);
        out.put("endpoint_port", port);
        out.put("ca_certificate_identifier", ca);
        out.put("certificate_ca_identifier", certificateCa);
        out.put("certificate_valid_till", iso(certificateValidTill));
        out.put("pending_ca", pendingCa);
        return out;
    }

    /** The declared outputs matching {@link #outputs()}, for the step types that report an instance. */
    static final List<OutputSpec> OUTPUTS = List.of(
            OutputSpec.string("db_instance", "the DB instance identifier"),
            OutputSpec.string("status", "DBInstanceStatus, e.g. available or modifying"),
            OutputSpec.string("engine", "the engine, e.g. postgres"),
            OutputSpec.string("engine_version", "the engine version"),
            OutputSpec.string("endpoint_host", "the endpoint's host name (null while it has none)"),
            OutputSpec.integer("endpoint_port", "the endpoint's port (null while it has none)"),
            OutputSpec.string("ca_certificate_identifier", "CACertificateIdentifier: the CA the instance is on"),
            OutputSpec.string("certificate_ca_identifier", "CertificateDetails.CAIdentifier: the CA of the server "
                    + "certificate in use"),
            OutputSpec.string("certificate_valid_till", "when the server certificate expires, ISO-8601 UTC"),
            OutputSpec.string("pending_ca", "the CA of a pending modification, or null"));

    static String iso(Instant i) {
        return i == null ? null : i.toString();
    }
}
