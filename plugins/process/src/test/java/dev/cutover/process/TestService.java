package dev.cutover.process;

import com.sun.net.httpserver.HttpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real little service for the tests: {@code TestService MODE PORT_FILE PORT [ENV_DUMP]}. */
final class TestService {

    private TestService() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        System.out.println("test service starting in mode " + mode);
        if (mode.equals("fail")) {
            System.out.println("boom: cannot open the truststore");
            System.exit(3);
        }
        if (args.length > 3) {
            Files.writeString(Path.of(args[3]), String.valueOf(System.getenv("APP_SECRET")));
        }
        new ProcessBuilder("sleep", "300").inheritIO().start();
        if (mode.equals("stubborn")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(600_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                Integer.parseInt(args[2])), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        Path portFile = Path.of(args[1]);
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, server.getAddress().getPort() + "\n");
        Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(Long.MAX_VALUE);
    }
}
