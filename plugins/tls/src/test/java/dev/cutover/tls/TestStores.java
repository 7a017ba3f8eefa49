package dev.cutover.tls;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keystores written with the JDK for tests, and the JDK's own keytool run as a real process to read them back. */
final class TestStores {
    private TestStores() {
    }

    /** Writes a store of the given type holding the trusted certificates under their aliases. */
    static Path trusted(Path file, String type, String password, Map<String, X509Certificate> certs) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        for (Map.Entry<String, X509Certificate> e : certs.entrySet()) {
            ks.setCertificateEntry(e.getKey(), e.getValue());
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
        return file;
    }

    /** A store with one private-key entry (the server's identity) plus trusted certificates. */
    static Path withKey(Path file, String type, String password, String alias, TestPki.Issued identity,
                        Map<String, X509Certificate> trusted) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        ks.setKeyEntry(alias, identity.key(), password.toCharArray(), identity.chain());
        for (Map.Entry<String, X509Certificate> e : trusted.entrySet()) {
            ks.setCertificateEntry(e.getKey(), e.getValue());
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
        return file;
    }

    /** What {@code keytool -list} printed, and the entry count and aliases it reported. */
    record Listing(int exitCode, String output, int count, List<String> aliases) {
    }

    /** Runs {@code keytool -list} (password passed through the environment, not argv). */
    static Listing keytoolList(Path store, String type, String password) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder pb = new ProcessBuilder(keytool.toString(), "-J-Duser.language=en", "-J-Duser.country=US", "-list", "-keystore", store.toString(),
                "-storetype", type, "-storepass:env", "CUTOVER_TEST_STOREPASS");
        pb.environment().put("CUTOVER_TEST_STOREPASS", password);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("keytool did not finish");
        }
        Matcher m = Pattern.compile("Your keystore contains (\\d+) entr").matcher(out);
        int count = m.find() ? Integer.parseInt(m.group(1)) : -1;
        List<String> aliases = new ArrayList<>();
        Matcher a = Pattern.compile(
                "(?m)^(.+), [A-Z][a-z]{2} \\d{1,2}, \\d{4}, (trustedCertEntry|PrivateKeyEntry),").matcher(out);
        while (a.find()) {
            aliases.add(a.group(1));
        }
        return new Listing(p.exitValue(), out, count, aliases);
    }
}
