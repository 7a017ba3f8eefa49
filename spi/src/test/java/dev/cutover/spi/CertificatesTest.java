package dev.cutover.spi;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one certificate reader and fingerprint format, checked against files and output of the real openssl and keytool. */
class CertificatesTest {
    @TempDir
    static Path dir;
    static Path first;
    static Path second;
    static Path key;

    @BeforeAll
    static void makeCertificates() throws Exception {
        first = dir.resolve("first.pem");
        second = dir.resolve("second.pem");
        key = dir.resolve("second.key");
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve("first.key").toString(), "-out", first.toString(), "-days", "30",
                "-subj", "/CN=Test Root One");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", second.toString(), "-days", "30", "-subj", "/CN=Test Root Two");
    }

    @Test
    void readsEveryCertificateOfAPemBundleSkippingTextAndKeys() throws Exception {
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, "# exported by hand\nBag Attributes\n    friendlyName: one\n"
                + Files.readString(first) + "\nsome notes between blocks\n" + Files.readString(key)
                + Files.readString(second) + "\n\n");

        List<X509Certificate> certs = Certificates.read(bundle);

        assertEquals(List.of("CN=Test Root One", "CN=Test Root Two"), subjects(certs));
    }

    @Test
    void readsDerAndPkcs7InBothEncodings() throws Exception {
        Path der = dir.resolve("one.der");
        run("openssl", "x509", "-in", first.toString(), "-outform", "DER", "-out", der.toString());
        Path both = dir.resolve("both.pem");
        Files.writeString(both, Files.readString(first) + Files.readString(second));
        Path p7b = dir.resolve("both.p7b");
        run("openssl", "crl2pkcs7", "-nocrl", "-certfile", both.toString(), "-outform", "DER", "-out", p7b.toString());
        Path p7pem = dir.resolve("both.p7.pem");
        run("openssl", "crl2pkcs7", "-nocrl", "-certfile", both.toString(), "-out", p7pem.toString());

        assertEquals(List.of("CN=Test Root One"), subjects(Certificates.read(der)));
        assertEquals(2, Certificates.read(p7b).size());
        assertEquals(2, Certificates.read(p7pem).size());
        assertTrue(Files.readString(p7pem).contains("-----BEGIN PKCS7-----"));
    }

    @Test
    void theFingerprintIsWhatKeytoolAndOpensslPrint() throws Exception {
        X509Certificate cert = Certificates.read(first).get(0);
        String keytool = line(run("keytool", "-printcert", "-file", first.toString()), "SHA256:")
                .substring("SHA256:".length()).trim();
        String openssl = line(run("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", first.toString()),
                "sha256 Fingerprint=").substring("sha256 Fingerprint=".length()).trim();

        assertEquals(keytool, Certificates.fingerprint(cert));
        assertEquals(openssl, Certificates.fingerprint(cert));
        assertTrue(Certificates.fingerprint(cert).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"));
    }

    @Test
    void fingerprintsAsOperatorsPasteThemCompareEqual() throws Exception {
        String fp = Certificates.fingerprint(Certificates.read(first).get(0));
        String bare = fp.replace(":", "").toLowerCase(java.util.Locale.ROOT);

        assertEquals(fp, Certificates.normalizeFingerprint(bare));
        assertEquals(fp, Certificates.normalizeFingerprint(" SHA256: " + fp));
        assertEquals(fp, Certificates.normalizeFingerprint("sha256 Fingerprint=" + fp));
        assertEquals(fp, Certificates.normalizeFingerprint(fp.toLowerCase(java.util.Locale.ROOT)));
    }

    @Test
    void aDamagedBlockIsNamedByFileNumberAndLine() throws Exception {
        String one = Files.readString(first);
        String two = Files.readString(second);
        int mid = two.indexOf('\n', two.indexOf('\n') + 1) + 5;
        Path broken = dir.resolve("broken.pem");
        Files.writeString(broken, one + two.substring(0, mid) + "!!!!" + two.substring(mid + 4));
        int line = (int) one.lines().count() + 1;

        CertificateFileException e = assertThrows(CertificateFileException.class, () -> Certificates.read(broken));

        assertTrue(e.getMessage().startsWith(broken + ": block #2 (line " + line + ", CERTIFICATE)"), e.getMessage());
    }

    @Test
    void aFileCutShortSaysSo() throws Exception {
        String two = Files.readString(second);
        Path cut = dir.resolve("cut.pem");
        Files.writeString(cut, Files.readString(first) + two.substring(0, two.length() / 2));

        CertificateFileException e = assertThrows(CertificateFileException.class, () -> Certificates.read(cut));

        assertTrue(e.getMessage().contains("block #2") && e.getMessage().contains("cut short"), e.getMessage());
    }

    @Test
    void filesWithoutCertificatesAreRefusedClearly() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        Path onlyKey = dir.resolve("only.key");
        Files.copy(key, onlyKey);
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a certificate at all");

        assertTrue(assertThrows(CertificateFileException.class, () -> Certificates.read(empty)).getMessage()
                .contains("is empty"));
        assertTrue(assertThrows(CertificateFileException.class, () -> Certificates.read(onlyKey)).getMessage()
                .contains("holds no certificates"));
        assertTrue(assertThrows(CertificateFileException.class, () -> Certificates.read(text)).getMessage()
                .startsWith(text + " is not a certificate file"));
        assertTrue(assertThrows(CertificateFileException.class, () -> Certificates.read(dir.resolve("missing.pem")))
                .getMessage().contains("does not exist"));
    }

    private static List<String> subjects(List<X509Certificate> certs) {
        List<String> out = new ArrayList<>();
        certs.forEach(c -> out.add(c.getSubjectX500Principal().getName()));
        return out;
    }

    private static String line(String output, String prefix) {
        return output.lines().map(String::trim).filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' in:\n" + output));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ":\n" + out);
        return out;
    }
}
