package dev.cutover.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Where the demo keeps its files under the work directory. */
record DemoLayout(Path root) {

    static DemoLayout create(Path workDir) throws DemoException {
        Path root = workDir.toAbsolutePath().normalize();
        if (root.toString().contains(" ")) {
            throw new DemoException("the demo's work directory must not contain spaces (PostgreSQL start-up options"
                    + " cannot quote them): " + root);
        }
        try {
            if (Files.exists(root)) {
                try (Stream<Path> s = Files.list(root)) {
                    if (s.findAny().isPresent()) {
                        throw new DemoException("the demo's work directory " + root + " is not empty; give a new one");
                    }
                }
            }
            for (Path d : new Path[] {root, root.resolve("pki"), root.resolve("pg"), root.resolve("app"),
                    root.resolve("environments")}) {
                Files.createDirectories(d);
            }
        } catch (IOException e) {
            throw new DemoException("cannot create the demo's work directory " + root + ": " + e.getMessage(), e);
        }
        return new DemoLayout(root);
    }

    void writePki(DemoPki.Issued oldCa, DemoPki.Issued newCa, DemoPki.Issued wrongCa, DemoPki.Issued oldServer,
                  DemoPki.Issued newServer) throws IOException {
        DemoFiles.write(oldCaBundle(), DemoPki.pem(oldCa.cert()), false);
        DemoFiles.write(newCaBundle(), DemoPki.pem(newCa.cert()), false);
        DemoFiles.write(wrongCaBundle(), DemoPki.pem(wrongCa.cert()), false);
        DemoFiles.write(adminCaBundle(), DemoPki.pem(oldCa.cert(), newCa.cert()), false);
        DemoFiles.write(oldServerCert(), DemoPki.pem(oldServer.cert()), false);
        DemoFiles.write(oldServerKey(), DemoPki.pem(oldServer.keys()), true);
        DemoFiles.write(newServerCert(), DemoPki.pem(newServer.cert()), false);
        DemoFiles.write(newServerKey(), DemoPki.pem(newServer.keys()), true);
        DemoFiles.write(dbCertFile(), DemoPki.pem(oldServer.cert()), false);
        DemoFiles.write(dbKeyFile(), DemoPki.pem(oldServer.keys()), true);
    }

    Path pki(String name) {
        return root.resolve("pki").resolve(name);
    }

    Path oldCaBundle() {
        return pki("old.pem");
    }

    Path newCaBundle() {
        return pki("new.pem");
    }

    Path wrongCaBundle() {
        return pki("wrong.pem");
    }

    Path adminCaBundle() {
        return pki("admin-bundle.pem");
    }

    Path oldServerCert() {
        return pki("old-server.crt");
    }

    Path oldServerKey() {
        return pki("old-server.key");
    }

    Path newServerCert() {
        return pki("new-server.crt");
    }

    Path newServerKey() {
        return pki("new-server.key");
    }

    Path pgDir() {
        return root.resolve("pg");
    }

    Path dbCertFile() {
        return pgDir().resolve("server.crt");
    }

    Path dbKeyFile() {
        return pgDir().resolve("server.key");
    }

    Path appDir() {
        return root.resolve("app");
    }

    Path truststore() {
        return appDir().resolve("truststore.p12");
    }

    Path incidentTruststore() {
        return appDir().resolve("prod-actual.p12");
    }

    Path environmentsDir() {
        return root.resolve("environments");
    }

    Path secretsEnvFile() {
        return root.resolve("secrets.env");
    }
}
