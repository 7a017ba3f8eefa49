package dev.cutover.example.payment;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small payment service standing in for the production Java application: {@code GET /health}
 * opens a new JDBC connection (verify-full TLS through the JVM's default SSL context, which is
 * built once at start-up from {@code -Djavax.net.ssl.trustStore}) and reports the result.
 *
 * <p>Run as {@code java -Djavax.net.ssl.trustStore=STORE -cp JAR dev.cutover.example.payment.PaymentService
 * --port P --db-url URL [--db-user USER] [--port-file FILE]}, with the store password in
 * {@code PAYMENT_TRUSTSTORE_PASSWORD} and the database password in {@code PAYMENT_DB_PASSWORD}.
 */
public final class PaymentService {

    private PaymentService() {
    }

    public static void main(String[] args) {
        ServiceOptions options;
        TrustSetup trust;
        try {
            options = ServiceOptions.parse(args, System.getenv());
            trust = TrustSetup.installDefault(System.getenv(TrustSetup.PASSWORD_ENV));
        } catch (IllegalArgumentException e) {
            System.err.println("payment-service: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(options, trust);
        } catch (IOException e) {
            System.err.println("payment-service: cannot start: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run(ServiceOptions options, TrustSetup trust) throws IOException {
        DatabaseHealth health = new DatabaseHealth(options, trust);
        HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 16);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        server.setExecutor(pool);
        server.createContext("/health", exchange -> {
            try (exchange) {
                HealthReport report = health.check();
                respond(exchange, report.up() ? 200 : 503, report.toJson());
                log("GET /health -> " + (report.up() ? 200 : 503));
            }
        });
        server.start();
        int port = server.getAddress().getPort();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("stopping");
            server.stop(0);
            pool.shutdownNow();
        }, "payment-service-stop"));
        log("listening on http://127.0.0.1:" + port + "/health; truststore in effect: " + trust.describe());
        if (options.portFile() != null) {
            writeAtomically(options.portFile(), port + "\n");
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void log(String message) {
        System.out.println(Instant.now() + " payment-service " + message);
    }
}
