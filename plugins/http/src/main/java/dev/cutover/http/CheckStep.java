package dev.cutover.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code http.check} (read-only): one HTTP request over a brand-new connection (never a pooled
 * one, so it sees what a freshly connecting client sees), checking the status and optionally the
 * body. Retrying is the runbook's {@code retry:}, not this step's.
 */
public final class CheckStep implements Check {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String id() {
        return "http.check";
    }

    @Override
    public String description() {
        return "Send one HTTP request (GET, HEAD or POST) on a new connection, optionally with a client "
                + "certificate, and check the status and the body (text, regular expression, values at JSON Pointers).";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.required("url", InputType.STRING, "http:// or https:// URL").refusingSecrets(),
                InputSpec.optional("method", InputType.STRING, "GET", "GET, HEAD, or POST (with body)"),
                InputSpec.optional("body", InputType.STRING, null, "the request body for POST; may be a secret"),
                InputSpec.optional("content_type", InputType.STRING, "application/json", "Content-Type of the body"),
                InputSpec.optional("expect_status", InputType.ANY, 200, "status code, or a list of acceptable codes"),
                InputSpec.optional("expect_body_contains", InputType.STRING, null, "text the body must contain"),
                InputSpec.optional("expect_body_regex", InputType.STRING, null,
                        "a regular expression (Java syntax) found somewhere in the body"),
                InputSpec.optional("expect_json", InputType.MAP, null,
                        "JSON Pointer -> expected value, e.g. { \"/status\": \"UP\", \"/checks/0/ok\": true }"),
                InputSpec.optional("follow_redirects", InputType.BOOL, false,
                        "follow 3xx redirects (same protocol only); off: a redirect is the answer checked"),
                InputSpec.optional("headers", InputType.MAP, null, "request headers; values may be secrets"),
                InputSpec.optional("truststore", InputType.PATH, null, "for https: trust exactly this store"),
                InputSpec.optional("truststore_password", InputType.SECRET, null, "the truststore's password"),
                InputSpec.optional("truststore_type", InputType.STRING, "PKCS12", "PKCS12 or JKS"),
                InputSpec.optional("client_keystore", InputType.PATH, null,
                        "for mTLS: a PKCS12/JKS keystore holding the client key and certificate"),
                InputSpec.optional("client_keystore_password", InputType.SECRET, null, "the client keystore's password"),
                InputSpec.optional("client_keystore_type", InputType.STRING, "PKCS12", "PKCS12 or JKS"),
                InputSpec.optional("client_cert", InputType.PATH, null,
                        "for mTLS: a PEM client certificate (chain), with client_key"),
                InputSpec.optional("client_key", InputType.PATH, null, "for mTLS: the PEM private key (unencrypted)"),
                InputSpec.optional("request_timeout", InputType.DURATION, "10s", "connect and read timeout"),
                InputSpec.optional("body_limit", InputType.INT, 4096, "bytes of the body kept in outputs"));
    }

    @Override
    public List<String> checkLiterals(Map<String, Object> rawWith) {
        return BodyMatch.checkLiterals(rawWith);
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.CHECKS_NEW_CONNECTION);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.integer("status", "the HTTP status code"),
                OutputSpec.string("body", "the first body_limit bytes of the body, secrets masked"),
                OutputSpec.integer("duration_ms", "from connect to the end of the body, in milliseconds"),
                OutputSpec.any("json",
                        "the body parsed, when it is a JSON object or array; keys below it are free (json.status)"));
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        String url = in.string("url");
        String method = in.string("method").toUpperCase(java.util.Locale.ROOT);
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST")) {
            throw new StepFailedException("method must be GET, HEAD or POST (a check must not change anything), got "
                    + method);
        }
        if (in.has("body") && !method.equals("POST")) {
            throw new StepFailedException("input 'body' needs method: POST");
        }
        List<Long> expected = expectedStatuses(in);
        int limit = (int) Math.max(0, Math.min(in.integer("body_limit"), 1 << 20));
        int timeout = (int) Math.min(Integer.MAX_VALUE, in.duration("request_timeout").toMillis());
        Optional<SSLContext> tls = TlsContext.from(in);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new StepFailedException("url '" + url + "' is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new StepFailedException("url '" + url + "' must start with http:// or https://");
        }
        long start = System.nanoTime();
        HttpURLConnection c = null;
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            c = (HttpURLConnection) uri.toURL().openConnection();
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(in.bool("follow_redirects"));
            c.setConnectTimeout(timeout);
            c.setReadTimeout(timeout);
            c.setRequestMethod(method);
            c.setRequestProperty("Connection", "close");
            if (c instanceof HttpsURLConnection https && tls.isPresent()) {
                https.setSSLSocketFactory(tls.get().getSocketFactory());
            }
            List<String> sent = new ArrayList<>();
            if (in.has("headers")) {
                for (Map.Entry<String, Object> h : in.map("headers").entrySet()) {
                    Object v = h.getValue();
                    if (v instanceof Secret s) {
                        sent.add(s.reveal());
                    }
                    c.setRequestProperty(h.getKey(), v instanceof Secret s ? s.reveal() : String.valueOf(v));
                }
            }
            if (in.has("body")) {
                Object b = in.get("body");
                byte[] payload = (b instanceof Secret s ? s.reveal() : String.valueOf(b)).getBytes(StandardCharsets.UTF_8);
                if (b instanceof Secret s) {
                    sent.add(s.reveal());
                }
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", in.string("content_type"));
                c.setFixedLengthStreamingMode(payload.length);
                try (java.io.OutputStream os = c.getOutputStream()) {
                    os.write(payload);
                }
            }
            int status = c.getResponseCode();
            String location = c.getHeaderField("Location");
            String body = context.mask(read(c, limit));
            for (String secret : sent) {
                body = secret.isEmpty() ? body : body.replace(secret, Secret.MASK);
            }
            out.put("status", status);
            out.put("body", body);
            out.put("duration_ms", (System.nanoTime() - start) / 1_000_000);
            parsed(body).ifPresent(json -> out.put("json", json));
            check(method + " " + url, status, body, expected, in, out, location);
            return StepResult.done(out);
        } catch (IOException e) {
            out.put("duration_ms", (System.nanoTime() - start) / 1_000_000);
            throw new StepFailedException("cannot " + method + " " + url + ": " + context.mask(describe(e)), out, null);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private static void check(String request, int status, String body, List<Long> expected, Inputs in,
                              Map<String, Object> out, String location) throws StepFailedException {
        if (!expected.contains((long) status)) {
            String redirect = status >= 300 && status < 400 && location != null ? " (a redirect to " + location
                    + (in.bool("follow_redirects") ? ", not followed: another protocol?)"
                    : "; follow_redirects: true follows it)") : "";
            throw new StepFailedException(request + " answered " + status + redirect + ", expected "
                    + (expected.size() == 1 ? expected.get(0) : "one of " + expected) + excerpt(body), out, null);
        }
        Optional<String> regex = in.optionalString("expect_body_regex");
        if (regex.isPresent() && !BodyMatch.regex(regex.get()).matcher(body).find()) {
            throw new StepFailedException(request + " answered " + status + " but no part of the body matches /"
                    + regex.get() + "/" + excerpt(body), out, null);
        }
        if (in.has("expect_json")) {
            List<String> wrong = BodyMatch.json(body, in.map("expect_json"));
            if (!wrong.isEmpty()) {
                throw new StepFailedException(request + " answered " + status + " but " + String.join("; ", wrong)
                        + excerpt(body), out, null);
            }
        }
        Optional<String> needle = in.optionalString("expect_body_contains");
        if (needle.isPresent() && !body.contains(needle.get())) {
            throw new StepFailedException(request + " answered " + status + " but the body does not contain '"
                    + needle.get() + "'" + excerpt(body), out, null);
        }
    }

    private static List<Long> expectedStatuses(Inputs in) throws StepFailedException {
        List<Long> codes = new ArrayList<>();
        for (Object o : in.list("expect_status")) {
            try {
                codes.add(o instanceof Number n ? n.longValue() : Long.parseLong(o.toString().trim()));
            } catch (NumberFormatException e) {
                throw new StepFailedException("expect_status must be a status code or a list of them, got '" + o + "'");
            }
        }
        return codes;
    }

    private static String read(HttpURLConnection c, int limit) throws IOException {
        InputStream stream = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream();
        if (stream == null) {
            return "";
        }
        try (InputStream s = stream) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while (buf.size() < limit && (n = s.read(chunk, 0, Math.min(chunk.length, limit - buf.size()))) > 0) {
                buf.write(chunk, 0, n);
            }
            return buf.toString(StandardCharsets.UTF_8);
        }
    }

    private static Optional<Object> parsed(String body) {
        String t = body.trim();
        if (!t.startsWith("{") && !t.startsWith("[")) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(t, Object.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static String excerpt(String body) {
        if (body.isBlank()) {
            return "";
        }
        String b = body.strip();
        return ": " + (b.length() > 300 ? b.substring(0, 300) + "..." : b);
    }

    private static String describe(IOException e) {
        StringBuilder sb = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
                sb.append(": ").append(t.getMessage());
            }
        }
        return sb.toString();
    }
}
