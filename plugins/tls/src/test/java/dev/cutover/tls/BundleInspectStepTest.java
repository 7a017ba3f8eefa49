package dev.cutover.tls;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleInspectStepTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> certs(StepRecording r) {
        return (List<Map<String, Object>>) r.output("certificates");
    }

    @Test
    void listsEveryCertificateOfTheRealRdsGlobalBundleWithKeyTypesAndFingerprints() throws Exception {
        StepRecording r = StepTestKit.of(new BundleInspectStep()).with("bundle", TestPki.rdsBundle()).apply()
                .assertSucceeded();

        assertEquals(115, r.output("count"));
        List<Map<String, Object>> certs = certs(r);
        assertEquals(115, certs.size());
        Map<String, Object> first = certs.get(0);
        assertTrue(first.get("subject").toString().contains("CN=Amazon RDS af-south-1 Root CA"), first.toString());
        assertEquals("53:CC:C9:FA:A7:44:AD:DB:42:5A:BD:85:0F:D6:0C:6D:97:90:15:8A:AD:85:72:68:73:C4:D3:B9:BB:40:E3:A9",
                first.get("sha256"));
        assertEquals("2024-10-26T18:05:58Z", first.get("not_after"));
        assertEquals(true, first.get("is_ca"));
        assertEquals(57, certs.stream().filter(c -> c.get("key_type").equals("RSA") && c.get("key_size").equals(2048)).count());
        assertEquals(29, certs.stream().filter(c -> c.get("key_type").equals("RSA") && c.get("key_size").equals(4096)).count());
        assertEquals(29, certs.stream().filter(c -> c.get("key_type").equals("EC") && c.get("key_size").equals(384)).count());
        assertEquals(93, certs.stream().filter(c -> c.get("subject").equals(c.get("issuer"))).count());
        assertEquals("PEM", r.output("format"));
    }

    @Test
    void filtersBySubjectPattern() throws Exception {
        StepRecording r = StepTestKit.of(new BundleInspectStep()).with("bundle", TestPki.rdsBundle())
                .with("subject_matches", "RSA2048 G1").apply().assertSucceeded();
        assertEquals(29, r.output("count"));
    }

    @Test
    void readsDerAndPkcs7Files() throws Exception {
        TestPki.Issued root = TestPki.root("Test Root", TestPki.rsa());
        TestPki.Issued inter = TestPki.intermediate("Test Intermediate", TestPki.ec(), root);
        Path der = Files.write(dir.resolve("root.cer"), root.cert().getEncoded());
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addCertificates(new JcaCertStore(List.of(root.cert(), inter.cert())));
        Path p7b = Files.write(dir.resolve("chain.p7b"), gen.generate(new CMSProcessableByteArray(new byte[0])).getEncoded());

        StepRecording d = StepTestKit.of(new BundleInspectStep()).with("bundle", der).apply().assertSucceeded();
        assertEquals(1, d.output("count"));
        assertEquals("DER", d.output("format"));
        StepRecording p = StepTestKit.of(new BundleInspectStep()).with("bundle", p7b).apply().assertSucceeded();
        assertEquals(2, p.output("count"));
        assertEquals("PKCS#7", p.output("format"));
        assertTrue(certs(p).stream().anyMatch(c -> c.get("key_type").equals("EC") && c.get("key_size").equals(256)));
    }

    @Test
    void refusesAFileThatIsNotACertificateWithAnErrorNamingIt() throws Exception {
        Path junk = Files.writeString(dir.resolve("notes.txt"), "this is not a certificate\n");
        StepRecording r = StepTestKit.of(new BundleInspectStep()).with("bundle", junk).apply().assertFailed();
        assertTrue(r.error().contains(junk.toString()), r.error());
        assertFalse(r.error().contains("Exception"), r.error());
    }

    @Test
    void explainsATruncatedPemBundle() throws Exception {
        String text = Files.readString(TestPki.rdsBundle());
        Path cut = Files.writeString(dir.resolve("cut.pem"), text.substring(0, text.length() / 2));
        StepRecording r = StepTestKit.of(new BundleInspectStep()).with("bundle", cut).apply().assertFailed();
        int blocks = text.substring(0, text.length() / 2).split("-----BEGIN CERTIFICATE-----", -1).length - 1;
        assertTrue(r.error().contains(cut + ": block #" + blocks + " (line ") && r.error().contains("cut short"),
                r.error());
    }

    @Test
    void saysWhenTheFileDoesNotExist() throws Exception {
        StepRecording r = StepTestKit.of(new BundleInspectStep()).with("bundle", dir.resolve("nope.pem")).apply()
                .assertFailed();
        assertTrue(r.error().contains("does not exist") && r.error().contains("'bundle'"), r.error());
    }
}
