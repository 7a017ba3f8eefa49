package dev.cutover.example.payment;

import java.util.LinkedHashMap;
import java.util.Map;

/** The outcome of one health check, rendered as a small JSON object. */
record HealthReport(boolean up, String tlsVersion, String serverCertIssuer, String serverCertSubject,
                    String truststore, String error, long checkedMs) {

    String toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("status", up ? "UP" : "DOWN");
        fields.put("db", up ? "UP" : "DOWN");
        fields.put("tls_version", tlsVersion);
        fields.put("server_cert_issuer", serverCertIssuer);
        fields.put("server_cert_subject", serverCertSubject);
        fields.put("truststore", truststore);
        if (error != null) {
            fields.put("error", error);
        }
        fields.put("checked_ms", checkedMs);
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(quote(e.getKey())).append(':');
            Object v = e.getValue();
            sb.append(v == null ? "null" : v instanceof Number ? v.toString() : quote(v.toString()));
        }
        return sb.append('}').toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
