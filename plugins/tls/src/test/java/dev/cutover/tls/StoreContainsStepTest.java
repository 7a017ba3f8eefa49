package dev.cutover.tls;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreContainsStepTest {
    private static final String PASSWORD = "Contains-Pw-1";
    private static final String EU_WEST_1_ROOT_SHA256 = 
            "6F:7E:01:B6:2A:F2:40:58:41:71:30:B2:1E:5F:B9:AD:9F:29:B2:9C:77:5C:51:07:B6:57:41:90:10:97:58:86";
    @TempDir
    Path dir;

    private Path rdsStore(String subjectPattern) throws Exception {
        Path store = dir.resolve("trust.p12");
        StepTestKit.of(new StoreImportStep()).runDirectory(dir.resolve("run")).with("store", store)
                .secret("password", PASSWORD).with("bundle", TestPki.rdsBundle()).with("create", true)
                .with("type", "pkcs12").with("subject_matches", subjectPattern).apply().assertSucceeded();
        return store;
    }

    private StepTestKit kit(Path store) {
        return StepTestKit.of(new StoreContainsStep()).with("store", store).secret("password", PASSWORD);
    }

    @Test
    void findsARegionsRootByCnByFullSubjectAndBySha256() throws Exception {
        Path store = rdsStore("RSA2048 G1");
        StepRecording r = kit(store)
                .with("subject", List.of("Amazon RDS eu-west-1 Root CA RSA2048 G1",
                        "L=Seattle,CN=Amazon RDS eu-west-1 Root CA RSA2048 G1,ST=WA,OU=Amazon RDS,"
                                + "O=Amazon Web Services\\, Inc.,C=US"))
                .with("sha256", EU_WEST_1_ROOT_SHA256.toLowerCase().replace(":", ""))
                .apply();
        r.assertSucceeded();
        assertEquals(3, r.output("checked"));
        assertEquals(List.of(), r.output("missing"));
    }

    @Test
    void everyCertificateOfTheRsa2048G1FamilyIsFoundAfterImportingIt() throws Exception {
        Path store = rdsStore("RSA2048 G1");
        StepRecording r = kit(store).with("bundle", TestPki.rdsBundle()).with("subject_matches", "RSA2048 G1").apply()
                .assertSucceeded();
        assertEquals(29, r.output("checked"));
    }

    @Test
    void listsExactlyTheMissingCertificatesWhenTheStoreLacksTheNewCa() throws Exception {
        Path store = rdsStore("2019");
        StepRecording r = kit(store).with("bundle", TestPki.rdsBundle())
                .with("subject_matches", "CN=Amazon RDS (eu-west-1|us-east-1) Root CA RSA2048 G1")
                .with("subject_contains", List.of("Root 2019 CA"))
                .apply().assertFailed();

        @SuppressWarnings("unchecked")
        List<String> missing = (List<String>) r.output("missing");
        assertEquals(2, missing.size(), missing.toString());
        assertTrue(missing.get(0).contains("CN=Amazon RDS us-east-1 Root CA RSA2048 G1,")
                && missing.get(0).endsWith("(sha256 E4:CE:41:D0:69:F4:BD:CD:B7:14:25:90:58:96:1E:E4:2E:D1:8C:F2:BF:62:7A:3D:"
                + "64:7A:FF:25:43:7D:4B:68)"), missing.toString());
        assertTrue(missing.get(1).contains("CN=Amazon RDS eu-west-1 Root CA RSA2048 G1,"), missing.toString());
        assertTrue(r.error().contains("is missing 2 of 3 expected certificate(s)"), r.error());
        assertTrue(r.error().contains("CN=Amazon RDS us-east-1 Root CA RSA2048 G1"), r.error());
    }

    @Test
    void checksAPemBundleUsedAsATruststore() throws Exception {
        TestPki.Issued ca = TestPki.root("Only CA", TestPki.ec());
        Path pem = TestPki.writePem(dir.resolve("root.crt"), ca.cert());
        StepTestKit.of(new StoreContainsStep()).with("store", pem).with("subject", "Only CA").apply().assertSucceeded();
        StepRecording r = StepTestKit.of(new StoreContainsStep()).with("store", pem).with("sha256", EU_WEST_1_ROOT_SHA256)
                .apply().assertFailed();
        assertEquals(List.of("sha256 " + EU_WEST_1_ROOT_SHA256), r.output("missing"));
    }

    @Test
    void refusesToRunWithoutAnyCriterion() throws Exception {
        TestPki.Issued ca = TestPki.root("Only CA", TestPki.ec());
        Path store = TestStores.trusted(dir.resolve("t.jks"), "JKS", PASSWORD, Map.of("only ca", ca.cert()));
        StepRecording r = kit(store).apply().assertFailed();
        assertTrue(r.error().contains("say what the store must contain"), r.error());
    }
}
