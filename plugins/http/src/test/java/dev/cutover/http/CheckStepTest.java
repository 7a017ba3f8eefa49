package dev.cutover.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckStepTest {
    private HttpServer server;
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String serve(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> answer(ex, status, body));
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
    }

    private void answer(HttpExchange ex, int status, String body) throws IOException {
        clientPorts.add(ex.getRemoteAddress().getPort());
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] b = (auth == null ? body : body + " auth=" + auth).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Test
    void passesOnTheExpectedStatusAndOutputsStatusBodyJsonAndDuration() throws Exception {
        String url = serve(200, "{\"status\":\"UP\",\"tls_version\":\"TLSv1.3\"}");

        StepRecording r = StepTestKit.of(new CheckStep()).with("url", url).with("expect_body_contains", "\"UP\"")
                .apply().assertSucceeded();

        assertEquals(200, r.output("status"));
        assertEquals(Map.of("status", "UP", "tls_version", "TLSv1.3"), r.output("json"));
        assertTrue(((Number) r.output("duration_ms")).longValue() >= 0);
        assertEquals(List.of("step.started", "step.succeeded"), r.eventNames());
    }

    @Test
    void failsNamingTheStatusAndTheBodyWhenTheServiceIsDown() throws Exception {
        String url = serve(503, "{\"status\":\"DOWN\",\"error\":\"PKIX path building failed\"}");

        StepRecording r = StepTestKit.of(new CheckStep()).with("url", url).apply().assertFailed();

        assertTrue(r.error().contains("GET " + url + " answered 503, expected 200"), r.error());
        assertTrue(r.error().contains("PKIX path building failed"), r.error());
        assertEquals(503, r.output("status"));
    }

    @Test
    void acceptsAnyStatusFromAnExpectedList() throws Exception {
        String url = serve(503, "down");

        StepTestKit.of(new CheckStep()).with("url", url).with("expect_status", List.of(200, 503)).apply().assertSucceeded();
    }

    @Test
    void failsWhenTheBodyLacksTheExpectedText() throws Exception {
        String url = serve(200, "{\"status\":\"DEGRADED\"}");

        StepRecording r = StepTestKit.of(new CheckStep()).with("url", url).with("expect_body_contains", "\"UP\"")
                .apply().assertFailed();

        assertTrue(r.error().contains("does not contain '\"UP\"'"), r.error());
    }

    @Test
    void opensANewConnectionForEveryRequest() throws Exception {
        String url = serve(200, "ok");
        for (int i = 0; i < 3; i++) {
            StepTestKit.of(new CheckStep()).with("url", url).apply().assertSucceeded();
        }
        assertEquals(3, clientPorts.size(), "each check must use its own connection");
    }

    @Test
    void capsTheBodyAtTheLimit() throws Exception {
        String url = serve(200, "x".repeat(10_000));

        StepRecording r = StepTestKit.of(new CheckStep()).with("url", url).with("body_limit", 100).apply().assertSucceeded();

        assertEquals(100, r.output("body").toString().length());
    }

    @Test
    void masksASecretHeaderEchoedBackAndKeepsItOutOfTheJournal() throws Exception {
        String url = serve(200, "hello");

        StepRecording r = StepTestKit.of(new CheckStep()).with("url", url)
                .with("headers", Map.of("Authorization", new dev.cutover.spi.Secret("Bearer tok-987")))
                .apply().assertSucceeded();

        assertFalse(r.output("body").toString().contains("tok-987"), r.output("body").toString());
        assertFalse(Files.readString(r.journal()).contains("tok-987"));
    }

    @Test
    void reportsARefusedConnectionPlainly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StepRecording r = StepTestKit.of(new CheckStep()).with("url", "http://127.0.0.1:" + port + "/health").apply()
                .assertFailed();

        assertTrue(r.error().contains("Connection refused"), r.error());
        assertFalse(r.error().contains("\tat "), r.error());
    }

    @Test
    void refusesAMethodThatCouldChangeSomething() throws Exception {
        StepRecording r = StepTestKit.of(new CheckStep()).with("url", "http://127.0.0.1:1/").with("method", "delete")
                .apply().assertFailed();

        assertTrue(r.error().contains("GET, HEAD or POST"), r.error());
    }

    @Test
    void trustsAnHttpsServerOnlyThroughTheGivenTruststore(@TempDir Path dir) throws Exception {
        KeyPair caKeys = rsa();
        X509Certificate ca = cert("CN=HTTP Test CA", caKeys, "CN=HTTP Test CA", caKeys, true);
        KeyPair serverKeys = rsa();
        X509Certificate leaf = cert("CN=HTTP Test CA", caKeys, "CN=localhost", serverKeys, false);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", serverKeys.getPrivate(), "k".toCharArray(), new X509Certificate[] {leaf, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "k".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ctx));
        https.createContext("/", ex -> answer(ex, 200, "secure"));
        https.start();
        server = https;
        String url = "https://localhost:" + https.getAddress().getPort() + "/";

        Path good = store(dir.resolve("good.p12"), ca);
        Path other = store(dir.resolve("other.p12"), cert("CN=Other CA", rsa(), "CN=Other CA", rsa(), true));

        StepTestKit.of(new CheckStep()).with("url", url).with("truststore", good).secret("truststore_password", "changeit")
                .apply().assertSucceeded();
        StepRecording bad = StepTestKit.of(new CheckStep()).with("url", url).with("truststore", other)
                .secret("truststore_password", "changeit").apply().assertFailed();
        assertTrue(bad.error().contains("PKIX path building failed"), bad.error());
    }

    private static Path store(Path file, X509Certificate ca) throws Exception {
        return TestCerts.trustStore(file, ca);
    }

    private static KeyPair rsa() throws Exception {
        return TestCerts.rsa();
    }

    private static X509Certificate cert(String issuer, KeyPair issuerKeys, String subject, KeyPair keys, boolean ca)
            throws Exception {
        return TestCerts.cert(issuer, issuerKeys, subject, keys, ca);
    }
}
