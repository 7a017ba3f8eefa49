package dev.cutover.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/** An embedded PostgreSQL with ssl=on, a superuser password, and only password-authenticated TLS connections. */
final class TlsPostgres implements AutoCloseable {
    final EmbeddedPostgres pg;
    final String password;

    TlsPostgres(Path dataDir, Path certFile, Path keyFile, String password) throws Exception {
        this.password = password;
        this.pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(true)
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", certFile.toString())
                .setServerConfig("ssl_key_file", keyFile.toString())
                .start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER USER postgres PASSWORD '" + password.replace("'", "''") + "'");
            Files.writeString(dataDir.resolve("pg_hba.conf"),
                    "hostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n");
            s.execute("SELECT pg_reload_conf()");
        }
    }

    int port() {
        return pg.getPort();
    }

    String url(Path rootCert) {
        return "jdbc:postgresql://localhost:" + port() + "/postgres?sslmode=verify-full&sslrootcert=" + rootCert;
    }

    @Override
    public void close() throws java.io.IOException {
        pg.close();
    }
}
