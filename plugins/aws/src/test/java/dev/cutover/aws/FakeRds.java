package dev.cutover.aws;

import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

/**
 * A stateful RDS double speaking the AWS Query protocol: one DB instance that goes modifying →
 * available after a few DescribeDBInstances calls, remembers its CA, and rejects unknown CA ids,
 * wrong instance states and denied actions with the real error XML. It checks the wire form of
 * every request it understands and answers malformed ones with a 400 naming what was wrong.
 */
final class FakeRds {
    static final String NS = "http://rds.amazonaws.com/doc/2014-10-31/";
    static final String INSTANCE = "payments-db";
    static final String ARN = "arn:aws:rds:us-east-1:123456789012:db:" + INSTANCE;

    /** One certificate authority the fake knows. */
    record Ca(String id, Instant validFrom, Instant validTill) {
    }

    final Map<String, Ca> cas = new LinkedHashMap<>();
    final Set<String> denied = new HashSet<>();
    final Map<String, Integer> throttle = new HashMap<>();
    final List<String> maintenance = new ArrayList<>();
    String status;
    String ca;
    String certificateCa;
    String pendingCa;
    Boolean rotationWithoutRestart;
    int describesWhileModifying;
    private int modifyingLeft;

    FakeRds() {
        reset();
    }

    void reset() {
        cas.clear();
        cas.put("rds-ca-2019", new Ca("rds-ca-2019", Instant.parse("2019-09-19T18:16:53Z"),
                Instant.parse("2024-08-22T17:08:50Z")));
        cas.put("rds-ca-rsa2048-g1", new Ca("rds-ca-rsa2048-g1", Instant.parse("2021-05-25T23:34:57Z"),
                Instant.parse("2061-05-25T23:34:57Z")));
        cas.put("rds-ca-rsa4096-g1", new Ca("rds-ca-rsa4096-g1", Instant.parse("2021-05-25T23:38:31Z"),
                Instant.parse("2121-05-25T23:38:31Z")));
        cas.put("rds-ca-ecc384-g1", new Ca("rds-ca-ecc384-g1", Instant.parse("2021-05-25T23:45:05Z"),
                Instant.parse("2121-05-25T23:45:05Z")));
        denied.clear();
        throttle.clear();
        maintenance.clear();
        status = "available";
        ca = "rds-ca-rsa4096-g1";
        certificateCa = ca;
        pendingCa = null;
        rotationWithoutRestart = false;
        describesWhileModifying = 3;
        modifyingLeft = 0;
    }

    /** Puts the instance on {@code id} (both CA fields), available, nothing pending. */
    void onCa(String id) {
        ca = id;
        certificateCa = id;
        pendingCa = null;
        status = "available";
    }

    ResponseDefinition handle(Map<String, String> p) {
        String action = p.get("Action");
        if (!"2014-10-31".equals(p.get("Version"))) {
            return error(400, "InvalidParameterValue", "fake RDS expected Version=2014-10-31, got " + p.get("Version"));
        }
        if (denied.contains(action)) {
            return error(403, "AccessDenied", "User: arn:aws:iam::123456789012:user/rehearsal is not authorized to "
                    + "perform: rds:" + action + " on resource: " + ARN + " because no identity-based policy allows "
                    + "the rds:" + action + " action");
        }
        Integer left = throttle.get(action);
        if (left != null && left > 0) {
            throttle.put(action, left - 1);
            return error(400, "Throttling", "Rate exceeded");
        }
        return switch (action) {
            case "DescribeDBInstances" -> describeInstances(p);
            case "ModifyDBInstance" -> modify(p);
            case "DescribeCertificates" -> describeCertificates(p);
            case "DescribeDBEngineVersions" -> engineVersions(p);
            case "DescribePendingMaintenanceActions" -> pendingMaintenance(p);
            default -> error(400, "InvalidAction", "fake RDS does not implement " + action);
        };
    }

    private ResponseDefinition describeInstances(Map<String, String> p) {
        if (!INSTANCE.equals(p.get("DBInstanceIdentifier"))) {
            return error(404, "DBInstanceNotFound", "DBInstance " + p.get("DBInstanceIdentifier") + " not found.");
        }
        if (modifyingLeft > 0 && --modifyingLeft == 0) {
            onCa(pendingCa);
        }
        StringBuilder x = new StringBuilder("<DBInstances><DBInstance>");
        tag(x, "DBInstanceIdentifier", INSTANCE);
        tag(x, "DBInstanceArn", ARN);
        tag(x, "DBInstanceClass", "db.t3.micro");
        tag(x, "Engine", "postgres");
        tag(x, "EngineVersion", "15.4");
        tag(x, "DBInstanceStatus", status);
        x.append("<Endpoint>");
        tag(x, "Address", INSTANCE + ".abcdefghijkl.us-east-1.rds.amazonaws.com");
        tag(x, "Port", "5432");
        x.append("</Endpoint>");
        tag(x, "CACertificateIdentifier", ca);
        x.append("<CertificateDetails>");
        tag(x, "CAIdentifier", certificateCa);
        tag(x, "ValidTill", "2026-12-01T10:00:00Z");
        x.append("</CertificateDetails><PendingModifiedValues>");
        if (pendingCa != null) {
            tag(x, "CACertificateIdentifier", pendingCa);
        }
        x.append("</PendingModifiedValues></DBInstance></DBInstances>");
        return ok("DescribeDBInstances", x.toString());
    }

    private ResponseDefinition modify(Map<String, String> p) {
        String requested = p.get("CACertificateIdentifier");
        if (!INSTANCE.equals(p.get("DBInstanceIdentifier"))) {
            return error(404, "DBInstanceNotFound", "DBInstance " + p.get("DBInstanceIdentifier") + " not found.");
        }
        if (requested == null || !cas.containsKey(requested)) {
            return error(404, "CertificateNotFound", "Certificate not found: " + requested);
        }
        if (!"available".equals(status)) {
            return error(400, "InvalidDBInstanceState", "Instance " + INSTANCE + " is not in available state.");
        }
        String immediately = p.get("ApplyImmediately");
        if (immediately != null && !immediately.equals("true") && !immediately.equals("false")) {
            return error(400, "InvalidParameterValue", "ApplyImmediately must be a boolean, got " + immediately);
        }
        pendingCa = requested;
        if ("true".equals(immediately)) {
            status = "modifying";
            modifyingLeft = describesWhileModifying;
        }
        return ok("ModifyDBInstance", "<DBInstance><DBInstanceIdentifier>" + INSTANCE + "</DBInstanceIdentifier>"
                + "<DBInstanceStatus>" + status + "</DBInstanceStatus></DBInstance>");
    }

    private ResponseDefinition describeCertificates(Map<String, String> p) {
        String only = p.get("CertificateIdentifier");
        if (only != null && !cas.containsKey(only)) {
            return error(404, "CertificateNotFound", "Certificate " + only + " not found.");
        }
        StringBuilder x = new StringBuilder("<DefaultCertificateForNewLaunches>rds-ca-rsa2048-g1"
                + "</DefaultCertificateForNewLaunches><Certificates>");
        for (Ca c : cas.values()) {
            if (only != null && !only.equals(c.id())) {
                continue;
            }
            x.append("<Certificate>");
            tag(x, "CertificateIdentifier", c.id());
            tag(x, "CertificateType", "CA");
            tag(x, "Thumbprint", Integer.toHexString(c.id().hashCode()));
            tag(x, "ValidFrom", c.validFrom().toString());
            tag(x, "ValidTill", c.validTill().toString());
            tag(x, "CertificateArn", "arn:aws:rds:us-east-1::cert:" + c.id());
            tag(x, "CustomerOverride", "false");
            x.append("</Certificate>");
        }
        return ok("DescribeCertificates", x.append("</Certificates>").toString());
    }

    private ResponseDefinition engineVersions(Map<String, String> p) {
        if (!"postgres".equals(p.get("Engine")) || !"15.4".equals(p.get("EngineVersion"))) {
            return error(400, "InvalidParameterValue", "fake RDS expected Engine=postgres EngineVersion=15.4, got "
                    + p.get("Engine") + " " + p.get("EngineVersion"));
        }
        StringBuilder x = new StringBuilder("<DBEngineVersions><DBEngineVersion>");
        tag(x, "Engine", "postgres");
        tag(x, "EngineVersion", "15.4");
        if (rotationWithoutRestart != null) {
            tag(x, "SupportsCertificateRotationWithoutRestart", rotationWithoutRestart.toString());
        }
        x.append("<SupportedCACertificateIdentifiers>");
        for (String id : cas.keySet()) {
            tag(x, "member", id);
        }
        x.append("</SupportedCACertificateIdentifiers></DBEngineVersion></DBEngineVersions>");
        return ok("DescribeDBEngineVersions", x.toString());
    }

    private ResponseDefinition pendingMaintenance(Map<String, String> p) {
        if (!"db-instance-id".equals(p.get("Filters.Filter.1.Name")) || !ARN.equals(p.get("Filters.Filter.1.Values.Value.1"))) {
            return error(400, "InvalidParameterValue", "fake RDS expected a db-instance-id filter on the ARN, got " + p);
        }
        StringBuilder x = new StringBuilder("<PendingMaintenanceActions>");
        if (!maintenance.isEmpty()) {
            x.append("<ResourcePendingMaintenanceActions>");
            tag(x, "ResourceIdentifier", ARN);
            x.append("<PendingMaintenanceActionDetails>");
            for (String action : maintenance) {
                x.append("<PendingMaintenanceAction>");
                tag(x, "Action", action);
                tag(x, "Description", "CA certificate rotation");
                tag(x, "AutoAppliedAfterDate", "2026-12-24T00:00:00Z");
                x.append("</PendingMaintenanceAction>");
            }
            x.append("</PendingMaintenanceActionDetails></ResourcePendingMaintenanceActions>");
        }
        return ok("DescribePendingMaintenanceActions", x.append("</PendingMaintenanceActions>").toString());
    }

    static ResponseDefinition callerIdentity() {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                .withBody("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                        + "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/rehearsal</Arn>"
                        + "<UserId>AIDACUTOVERTEST</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
                        + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
                        + "</GetCallerIdentityResponse>").build();
    }

    static ResponseDefinition ok(String action, String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                .withBody("<" + action + "Response xmlns=\"" + NS + "\"><" + action + "Result>" + result + "</"
                        + action + "Result><ResponseMetadata><RequestId>" + UUID.randomUUID()
                        + "</RequestId></ResponseMetadata></" + action + "Response>").build();
    }

    static ResponseDefinition error(int status, String code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
                .withBody("<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code>"
                        + "<Message>" + escape(message) + "</Message></Error><RequestId>" + UUID.randomUUID()
                        + "</RequestId></ErrorResponse>").build();
    }

    private static void tag(StringBuilder x, String name, String value) {
        x.append('<').append(name).append('>').append(escape(value)).append("</").append(name).append('>');
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
