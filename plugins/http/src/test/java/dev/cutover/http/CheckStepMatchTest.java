package dev.cutover.http;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** http.check's body matches, POST and redirects against a real local HTTP server. */
class CheckStepMatchTest {
    private HttpServer server;
    private String base;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", ex -> {
            byte[] b = "{\"status\":\"UP\",\"version\":\"2.4.1\",\"db\":{\"pool\":10,\"ok\":true},\"checks\":[\"db\"]}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.createContext("/echo", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " " + body);
            byte[] b = ("{\"got\":" + body.length() + "}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.createContext("/old", ex -> {
            ex.getResponseHeaders().set("Location", base + "/health");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private StepTestKit check(String path) {
        return StepTestKit.of(new CheckStep()).with("url", base + path);
    }

    @Test
    void matchesValuesAtJsonPointers() throws Exception {
        check("/health").with("expect_json", Map.of("/status", "UP", "/db/pool", 10, "/db/ok", true,
                "/checks/0", "db")).apply().assertSucceeded();
    }

    @Test
    void namesEveryJsonPointerThatDiffersOrIsAbsent() throws Exception {
        StepRecording r = check("/health").with("expect_json", Map.of("/status", "DOWN", "/missing", "x"))
                .apply().assertFailed();
        assertTrue(r.error().contains("/status is \"UP\", expected \"DOWN\""), r.error());
        assertTrue(r.error().contains("/missing is absent"), r.error());
    }

    @Test
    void aNumberWrittenAsTextInYamlStillMatches() throws Exception {
        check("/health").with("expect_json", Map.of("/db/pool", "10", "/db/ok", "true")).apply().assertSucceeded();
    }

    @Test
    void matchesARegularExpressionAnywhereInTheBody() throws Exception {
        check("/health").with("expect_body_regex", "\"version\":\"2\\.4\\.\\d+\"").apply().assertSucceeded();
        StepRecording r = check("/health").with("expect_body_regex", "\"version\":\"3\\.").apply().assertFailed();
        assertTrue(r.error().contains("no part of the body matches /\"version\":\"3\\./"), r.error());
    }

    @Test
    void badPatternsAndPointersAreLoadErrors() {
        assertEquals(2, new CheckStep().checkLiterals(Map.of("url", "x", "expect_body_regex", "([",
                "expect_json", Map.of("status", "UP"))).size());
    }

    @Test
    void postsABodyAndKeepsASecretBodyOutOfTheJournal() throws Exception {
        StepRecording r = check("/echo").with("method", "POST").secret("body", "{\"token\":\"tok-5551\"}")
                .with("expect_json", Map.of("/got", 20)).apply().assertSucceeded();
        assertEquals(List.of("POST application/json {\"token\":\"tok-5551\"}"), received);
        assertFalse(Files.readString(r.journal()).contains("tok-5551"));
    }

    @Test
    void aBodyNeedsPost() throws Exception {
        StepRecording r = check("/echo").with("body", "x").apply().assertFailed();
        assertTrue(r.error().contains("needs method: POST"), r.error());
    }

    @Test
    void doesNotFollowRedirectsUnlessAsked() throws Exception {
        StepRecording r = check("/old").apply().assertFailed();
        assertTrue(r.error().contains("answered 302 (a redirect to " + base + "/health; follow_redirects: true "
                + "follows it)"), r.error());
        check("/old").with("follow_redirects", true).with("expect_json", Map.of("/status", "UP")).apply()
                .assertSucceeded();
        check("/old").with("expect_status", 302).apply().assertSucceeded();
    }
}
