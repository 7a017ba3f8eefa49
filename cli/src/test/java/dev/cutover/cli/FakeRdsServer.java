package dev.cutover.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal stateful RDS (AWS Query protocol) on a loopback port: one DB instance whose CA changes when
 * ModifyDBInstance asks (applied at once when ApplyImmediately=true), enough for aws.rds.describe,
 * aws.rds.set-ca (and its undo) and aws.rds.assert-ca. Every ModifyDBInstance request is kept, so tests
 * check what went over the wire.
 */
final class FakeRdsServer implements AutoCloseable {
    static final String NS = "http://rds.amazonaws.com/doc/2014-10-31/";
    static final String INSTANCE = "payments-db";
    static final String ARN = "arn:aws:rds:eu-west-1:123456789012:db:" + INSTANCE;
    private final HttpServer server;
    private final String validTill;
    private volatile String ca = "rds-ca-rsa2048-g1";
    /** The ModifyDBInstance requests received, in order (their parameters). */
    final java.util.List<Map<String, String>> modifications = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final Map<String, String> CAS = Map.of("rds-ca-2019", "2024-08-22T17:08:50Z",
            "rds-ca-rsa2048-g1", "2061-05-25T23:34:57Z", "rds-ca-rsa4096-g1", "2121-05-25T23:38:31Z",
            "rds-ca-ecc384-g1", "2121-05-25T23:45:05Z");

    /** The instance's CA now. */
    String ca() {
        return ca;
    }

    /** Puts the instance on {@code id}. */
    FakeRdsServer onCa(String id) {
        ca = id;
        return this;
    }

    FakeRdsServer(String validTill) throws IOException {
        this.validTill = validTill;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> p = new HashMap<>();
        for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                p.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String action = p.getOrDefault("Action", "");
        int status = 200;
        String body;
        switch (action) {
            case "DescribeDBInstances" -> {
                if (INSTANCE.equals(p.get("DBInstanceIdentifier"))) {
                    body = ok(action, "<DBInstances><DBInstance><DBInstanceIdentifier>" + INSTANCE
                            + "</DBInstanceIdentifier><DBInstanceArn>" + ARN + "</DBInstanceArn>"
                            + "<Engine>postgres</Engine><EngineVersion>15.4</EngineVersion>"
                            + "<DBInstanceStatus>available</DBInstanceStatus><Endpoint><Address>" + INSTANCE
                            + ".example.eu-west-1.rds.amazonaws.com</Address><Port>5432</Port></Endpoint>"
                            + "<CACertificateIdentifier>" + ca + "</CACertificateIdentifier>"
                            + "<CertificateDetails><CAIdentifier>" + ca + "</CAIdentifier><ValidTill>"
                            + validTill + "</ValidTill></CertificateDetails><PendingModifiedValues/>"
                            + "</DBInstance></DBInstances>");
                } else {
                    status = 404;
                    body = error("DBInstanceNotFound", "DBInstance " + p.get("DBInstanceIdentifier") + " not found.");
                }
            }
            case "DescribePendingMaintenanceActions" -> body = ok(action, "<PendingMaintenanceActions/>");
            case "ModifyDBInstance" -> {
                modifications.add(Map.copyOf(p));
                String to = p.get("CACertificateIdentifier");
                if (!INSTANCE.equals(p.get("DBInstanceIdentifier"))) {
                    status = 404;
                    body = error("DBInstanceNotFound", "DBInstance " + p.get("DBInstanceIdentifier") + " not found.");
                } else if (to == null || !CAS.containsKey(to)) {
                    status = 404;
                    body = error("CertificateNotFound", "Certificate not found: " + to);
                } else if (!"true".equals(p.get("ApplyImmediately"))) {
                    status = 400;
                    body = error("InvalidParameterCombination", "this fake applies CA changes immediately only");
                } else {
                    ca = to;
                    body = ok(action, "<DBInstance><DBInstanceIdentifier>" + INSTANCE + "</DBInstanceIdentifier>"
                            + "<DBInstanceStatus>available</DBInstanceStatus></DBInstance>");
                }
            }
            case "DescribeCertificates" -> {
                String only = p.get("CertificateIdentifier");
                StringBuilder x = new StringBuilder("<Certificates>");
                for (Map.Entry<String, String> c : new java.util.TreeMap<>(CAS).entrySet()) {
                    if (only == null || only.equals(c.getKey())) {
                        x.append("<Certificate><CertificateIdentifier>").append(c.getKey())
                                .append("</CertificateIdentifier><CertificateType>CA</CertificateType>")
                                .append("<ValidFrom>2019-09-19T18:16:53Z</ValidFrom><ValidTill>").append(c.getValue())
                                .append("</ValidTill></Certificate>");
                    }
                }
                if (only != null && !CAS.containsKey(only)) {
                    status = 404;
                    body = error("CertificateNotFound", "Certificate " + only + " not found.");
                } else {
                    body = ok(action, x.append("</Certificates>").toString());
                }
            }
            case "DescribeDBEngineVersions" -> body = ok(action, "<DBEngineVersions><DBEngineVersion>"
                    + "<Engine>postgres</Engine><EngineVersion>15.4</EngineVersion>"
                    + "<SupportedCACertificateIdentifiers><member>rds-ca-rsa2048-g1</member><member>rds-ca-rsa4096-g1</member>"
                    + "</SupportedCACertificateIdentifiers></DBEngineVersion></DBEngineVersions>");
            default -> {
                status = 400;
                body = error("InvalidAction", "not faked: " + action);
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/xml");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String error(String code, String message) {
        return "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>"
                + message + "</Message></Error><RequestId>1</RequestId></ErrorResponse>";
    }

    private static String ok(String action, String result) {
        return "<" + action + "Response xmlns=\"" + NS + "\"><" + action + "Result>" + result + "</" + action
                + "Result><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></" + action + "Response>";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
