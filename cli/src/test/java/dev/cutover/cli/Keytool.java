package dev.cutover.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Makes test certificates and stores with the JDK's own keytool, run as a separate process. */
final class Keytool {
    private Keytool() {
    }

    static final String PASSWORD = "test-store-pw";

    /**
     * A self-signed certificate valid for {@code validityDays} from {@code startDays} (negative: in the past)
     * as a PEM file.
     */
    static Path certificate(Path dir, String cn, int startDays, int validityDays) throws IOException {
        Path keys = dir.resolve(cn + ".keys.p12");
        List<String> gen = new ArrayList<>(List.of("-genkeypair", "-alias", cn, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=" + cn + ",O=Example Bank", "-validity", String.valueOf(validityDays),
                "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
        if (startDays != 0) {
            gen.addAll(List.of("-startdate", (startDays > 0 ? "+" : "") + startDays + "d"));
        }
        run(gen);
        Path pem = dir.resolve(cn + ".pem");
        run(List.of("-exportcert", "-rfc", "-alias", cn, "-file", pem.toString(), "-keystore", keys.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD));
        return pem;
    }

    /**
     * A self-signed server certificate for {@code localhost} (SAN localhost and 127.0.0.1), its key pair in
     * {@code <cn>.keys.p12} (password {@link #PASSWORD}) and the certificate as {@code <cn>.pem}.
     */
    static Path serverCertificate(Path dir, String cn) throws IOException {
        Path keys = dir.resolve(cn + ".keys.p12");
        run(List.of("-genkeypair", "-alias", cn, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn
                        + ",O=Example Bank", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "30", "-keystore",
                keys.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
        Path pem = dir.resolve(cn + ".pem");
        run(List.of("-exportcert", "-rfc", "-alias", cn, "-file", pem.toString(), "-keystore", keys.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD));
        return pem;
    }

    /** Imports a PEM certificate as a trusted entry into a JKS or PKCS12 store (created if missing). */
    static void trust(Path store, String type, String alias, Path pem) throws IOException {
        run(List.of("-importcert", "-noprompt", "-alias", alias, "-file", pem.toString(), "-keystore",
                store.toString(), "-storetype", type, "-storepass", PASSWORD));
    }

    private static void run(List<String> args) throws IOException {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path keytool = java.resolveSibling("keytool");
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(keytool) ? keytool.toString() : "keytool");
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + cmd + "\n" + new String(p.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
