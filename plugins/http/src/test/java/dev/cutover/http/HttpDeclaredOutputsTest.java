package dev.cutover.http;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.testkit.DeclaredOutputs;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** http.check against a real HTTP server: what it outputs is exactly what it declares. */
class HttpDeclaredOutputsTest {

    @Test
    void httpCheckOutputsWhatItDeclaresForTextAndJsonBodies() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] b = (ex.getRequestURI().getPath().equals("/json") ? "{\"status\": \"UP\"}" : "ok")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            CheckStep type = new CheckStep();
            DeclaredOutputs.assertMatch(type, StepTestKit.of(type).with("url", base + "/text").apply(), "json");
            DeclaredOutputs.assertMatch(type, StepTestKit.of(type).with("url", base + "/json").apply());
        } finally {
            server.stop(0);
        }
    }
}
