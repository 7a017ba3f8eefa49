import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.util.Properties;

/**
 * The small HTTP service the library's everyday runbooks change in the demo (run it with
 * {@code java ReleaseService.java CONFIG PORT_FILE}; JDK only). It reads a properties file once at start-up:
 * {@code port}, {@code release} (the release it runs), {@code releases_dir} (where releases are installed),
 * and optionally {@code keystore} (a PKCS12 file: then it serves HTTPS with the key in it; the password
 * comes from $RELEASE_SERVICE_KEYSTORE_PASSWORD). {@code GET /health} answers 200
 * {@code {"status":"UP","release":"..."}} when {@code releases_dir/release} is installed, else 503 DOWN.
 * When it listens it writes its port to PORT_FILE (what process.start's ready_port_file waits for).
 */
public final class ReleaseService {

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java ReleaseService.java CONFIG PORT_FILE");
            System.exit(2);
        }
        Properties config = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            config.load(r);
        }
        int port = Integer.parseInt(config.getProperty("port", "0").trim());
        String release = config.getProperty("release", "").trim();
        Path releases = Path.of(config.getProperty("releases_dir", ".").trim());
        String keystore = config.getProperty("keystore", "").trim();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        HttpServer server;
        if (keystore.isEmpty()) {
            server = HttpServer.create(address, 0);
        } else {
            char[] password = System.getenv().getOrDefault("RELEASE_SERVICE_KEYSTORE_PASSWORD", "").toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(Path.of(keystore))) {
                ks.load(in, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.createContext("/health", exchange -> {
            boolean installed = !release.isEmpty() && Files.isDirectory(releases.resolve(release));
            byte[] body = ("{\"status\":\"" + (installed ? "UP" : "DOWN") + "\",\"release\":\"" + release + "\""
                    + (installed ? "" : ",\"error\":\"release " + release + " is not installed in " + releases + "\"")
                    + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(installed ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Path portFile = Path.of(args[1]);
        Path temp = Files.createTempFile(portFile.toAbsolutePath().getParent(), ".port", ".tmp");
        Files.writeString(temp, Integer.toString(server.getAddress().getPort()));
        Files.move(temp, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("release-service " + release + " listening on " + server.getAddress().getPort()
                + (keystore.isEmpty() ? " (http)" : " (https)"));
    }
}
