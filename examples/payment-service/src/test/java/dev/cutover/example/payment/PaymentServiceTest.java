package dev.cutover.example.payment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PaymentServiceTest {

    @Test
    void reportsDatabaseDownWith503AndTheCauseWhenTheDatabaseIsUnreachable(@TempDir Path dir) throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        Path portFile = dir.resolve("app.port");
        Process p = start(dir, List.of("--port", "0", "--port-file", portFile.toString(),
                "--db-url", "jdbc:postgresql://localhost:" + deadPort + "/payments?sslmode=verify-full"
                        + "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory"));
        try {
            int port = awaitPort(portFile, p);
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health").toURL().openConnection();
            assertEquals(503, c.getResponseCode());
            String body = new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(body.contains("\"status\":\"DOWN\""), body);
            assertTrue(body.contains("Connection"), body);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusesAMissingDatabaseUrlWithAClearMessageAndNoStackTrace(@TempDir Path dir) throws Exception {
        Process p = start(dir, List.of("--port", "0"));
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertEquals(2, p.exitValue());
        assertTrue(err.contains("--db-url"), err);
        assertFalse(err.contains("\tat "), err);
    }

    @Test
    void refusesAPasswordInTheDatabaseUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceOptions.parse(
                new String[] {"--db-url", "jdbc:postgresql://h/db?password=hunter2"}, Map.of()));
        assertTrue(e.getMessage().contains("PAYMENT_DB_PASSWORD"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void rendersHealthAsEscapedJson() {
        String json = new HealthReport(false, null, "CN=a\"b", null, "/s", "x\ny", 3).toJson();
        assertEquals("{\"status\":\"DOWN\",\"db\":\"DOWN\",\"tls_version\":null,\"server_cert_issuer\":\"CN=a\\\"b\","
                + "\"server_cert_subject\":null,\"truststore\":\"/s\",\"error\":\"x\\ny\",\"checked_ms\":3}", json);
    }

    private static Process start(Path dir, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PaymentService.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    private static int awaitPort(Path portFile, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(portFile)) {
                return Integer.parseInt(Files.readString(portFile).trim());
            }
            if (!p.isAlive()) {
                throw new AssertionError("service exited with " + p.exitValue());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no port file");
    }
}
