package dev.cutover.tls;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreInspectStepTest {
    private static final String PASSWORD = "s3cret-Store-pw";
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> entries(StepRecording r) {
        return (List<Map<String, Object>>) r.output("entries");
    }

    private Path store(String type) throws Exception {
        TestPki.Issued root = TestPki.root("Inspect Root", TestPki.rsa());
        TestPki.Issued ecRoot = TestPki.root("Inspect EC Root", TestPki.ec());
        TestPki.Issued server = TestPki.server("app.internal", TestPki.ec(), root, List.of("app.internal"));
        return TestStores.withKey(dir.resolve("store." + type.toLowerCase()), type, PASSWORD, "zz-server", server,
                Map.of("root-b", root.cert(), "root-a", ecRoot.cert()));
    }

    @Test
    void listsEntriesSortedByAliasWithKindAndCertificateFactsForPkcs12AndJks() throws Exception {
        for (String type : List.of("PKCS12", "JKS")) {
            StepRecording r = StepTestKit.of(new StoreInspectStep()).with("store", store(type))
                    .secret("password", PASSWORD).apply().assertSucceeded();
            assertEquals(type, r.output("type"));
            assertEquals(3, r.output("count"));
            List<Map<String, Object>> e = entries(r);
            assertEquals(List.of("root-a", "root-b", "zz-server"), e.stream().map(m -> m.get("alias")).toList());
            assertEquals(List.of("trusted_cert", "trusted_cert", "private_key"), e.stream().map(m -> m.get("kind")).toList());
            assertEquals("EC", e.get(0).get("key_type"));
            assertEquals(256, e.get(0).get("key_size"));
            assertEquals("RSA", e.get(1).get("key_type"));
            assertEquals(2048, e.get(1).get("key_size"));
            assertEquals(true, e.get(1).get("is_ca"));
            assertEquals(false, e.get(2).get("is_ca"));
            assertTrue(e.get(2).get("issuer").toString().contains("CN=Inspect Root"));
            for (String key : List.of("subject", "serial", "not_before", "not_after", "sha256")) {
                assertTrue(e.get(0).get(key) != null, key);
            }
        }
    }

    @Test
    void detectsTypeFromContentAndRefusesAContradictingTypeInput() throws Exception {
        Path jks = store("JKS");
        StepRecording r = StepTestKit.of(new StoreInspectStep()).with("store", jks).with("type", "pkcs12")
                .secret("password", PASSWORD).apply().assertFailed();
        assertTrue(r.error().contains("declared as PKCS12 but its content is JKS"), r.error());
    }

    @Test
    void readsAPemBundleAsAStoreWithCnAliases() throws Exception {
        StepRecording r = StepTestKit.of(new StoreInspectStep()).with("store", TestPki.rdsBundle()).apply().assertSucceeded();
        assertEquals("PEM", r.output("type"));
        assertEquals(115, r.output("count"));
        assertTrue(entries(r).stream().anyMatch(m -> m.get("alias").equals("amazon rds eu-west-1 root ca rsa2048 g1")));
    }

    @Test
    void aWrongPasswordIsAClearErrorNamingTheFileWithoutTheSecret() throws Exception {
        for (String type : List.of("PKCS12", "JKS")) {
            Path store = store(type);
            StepTestKit kit = StepTestKit.of(new StoreInspectStep()).with("store", store).secret("password", "wrong-pw-42");
            StepRecording r = kit.apply().assertFailed();
            assertTrue(r.error().contains(store.toString()) && r.error().contains("password is wrong"), r.error());
            assertFalse(r.error().contains("wrong-pw-42"));
            assertFalse(r.error().contains("Exception"), r.error());
            assertFalse(Files.readString(r.journal()).contains("wrong-pw-42"), "password reached the journal");
        }
    }

    @Test
    void aCorruptStoreIsAClearErrorNamingTheFile() throws Exception {
        Path store = store("PKCS12");
        byte[] bytes = Files.readAllBytes(store);
        Path cut = Files.write(dir.resolve("cut.p12"), Arrays.copyOf(bytes, bytes.length / 2));
        StepRecording r = StepTestKit.of(new StoreInspectStep()).with("store", cut).secret("password", PASSWORD).apply()
                .assertFailed();
        assertTrue(r.error().contains(cut.toString()), r.error());
        Path empty = Files.write(dir.resolve("empty.jks"), new byte[0]);
        StepRecording e = StepTestKit.of(new StoreInspectStep()).with("store", empty).apply().assertFailed();
        assertTrue(e.error().contains(empty.toString()) && e.error().contains("empty"), e.error());
    }

    @Test
    void aPkcs12StoreWithoutItsPasswordIsAnErrorNotAnEmptyStore() throws Exception {
        Path store = store("PKCS12");
        StepRecording r = StepTestKit.of(new StoreInspectStep()).with("store", store).apply().assertFailed();
        assertTrue(r.error().contains("cannot be read without its password") && r.error().contains("'password'"), r.error());
    }

    @Test
    void aJksStoreCanBeInspectedWithoutItsPassword() throws Exception {
        StepRecording r = StepTestKit.of(new StoreInspectStep()).with("store", store("JKS")).apply().assertSucceeded();
        assertEquals(3, r.output("count"));
    }
}
