package dev.cutover.example.payment;

import java.nio.file.Path;
import java.util.Map;

/** The service's command-line options; the database password comes from the environment only. */
record ServiceOptions(int port, String dbUrl, String dbUser, String dbPassword, Path portFile) {

    static final String DB_PASSWORD_ENV = "PAYMENT_DB_PASSWORD";

    static ServiceOptions parse(String[] args, Map<String, String> env) {
        int port = 8080;
        String url = null;
        String user = "payment";
        Path portFile = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--port" -> port = parsePort(value);
                case "--db-url" -> url = value;
                case "--db-user" -> user = value;
                case "--port-file" -> portFile = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + flag
                        + "; use --port, --db-url, --db-user, --port-file");
            }
        }
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--db-url jdbc:postgresql://HOST:PORT/DB?sslmode=verify-full&... is required");
        }
        if (url.contains("password=")) {
            throw new IllegalArgumentException("--db-url must not carry a password; set " + DB_PASSWORD_ENV);
        }
        return new ServiceOptions(port, url, user, env.get(DB_PASSWORD_ENV), portFile);
    }

    private static int parsePort(String value) {
        try {
            int p = Integer.parseInt(value);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number from 0 to 65535, got '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return "ServiceOptions[port=" + port + ", dbUrl=" + dbUrl + ", dbUser=" + dbUser + ", portFile=" + portFile + "]";
    }
}
