package dev.cutover.tls;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.spi.ProbeResult;
import dev.cutover.testkit.DeclaredOutputs;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tls.keystore-import-key on real PKCS12 keystores, read back by the JDK's keytool; undo is byte-exact. */
class KeystoreImportKeyStepTest {
    @TempDir
    Path dir;

    private final TestPki.Issued root = TestPki.root("Renewal Test Root", TestPki.rsa());
    private final TestPki.Issued issuing = TestPki.intermediate("Renewal Test Issuing CA", TestPki.rsa(), root);

    private Path serviceStore(TestPki.Issued identity) throws Exception {
        return TestStores.withKey(dir.resolve("service.p12"), "PKCS12", "store-pw-31", "payments", identity,
                Map.of("root", root.cert()));
    }

    private StepTestKit kit(Path store, Path key, Path chain) {
        return StepTestKit.of(new KeystoreImportKeyStep()).runDirectory(dir.resolve("run-" + System.nanoTime()))
                .with("store", store).secret("password", "store-pw-31").with("alias", "payments").with("key", key)
                .with("chain", chain);
    }

    /** {@code keytool -list -v -alias}: the entry's chain as keytool reads it. */
    private static String keytoolEntry(Path store, String alias) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-J-Duser.language=en", "-J-Duser.country=US", "-list", "-v", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-alias", alias, "-storepass:env", "CUTOVER_TEST_STOREPASS");
        pb.environment().put("CUTOVER_TEST_STOREPASS", "store-pw-31");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void putsTheNewKeyAndChainUnderTheAliasAndUndoRestoresTheStoreByteForByte() throws Exception {
        TestPki.Issued old = TestPki.server("payments.internal", TestPki.rsa(), issuing, List.of("localhost"));
        Path store = serviceStore(old);
        String before = AtomicFiles.sha256(store);
        TestPki.Issued renewed = TestPki.server("payments.internal", TestPki.rsa(), issuing, List.of("localhost"));
        Path key = TestPki.writePem(dir.resolve("new.key"), renewed.key());
        Path chain = TestPki.writePem(dir.resolve("new-chain.pem"), renewed.cert(), issuing.cert());

        StepTestKit kit = kit(store, key, chain);
        StepRecording r = DeclaredOutputs.assertMatch(new KeystoreImportKeyStep(), kit.apply());

        assertEquals(KeystoreImportKeyStep.fingerprint(renewed.cert()), r.output("fingerprint"));
        assertEquals(KeystoreImportKeyStep.fingerprint(old.cert()), r.output("previous_fingerprint"));
        String listed = keytoolEntry(store, "payments");
        assertTrue(listed.contains("Entry type: PrivateKeyEntry"), listed);
        // leaf + issuing CA as given; the JDK completes the chain with the root the store also holds
        assertTrue(listed.contains("Certificate chain length: 3"), listed);
        assertTrue(listed.indexOf("Certificate[1]:") < listed.indexOf("Serial number: "
                + renewed.cert().getSerialNumber().toString(16)), "the renewed certificate comes first");
        assertTrue(listed.contains("Serial number: " + renewed.cert().getSerialNumber().toString(16)), listed);
        assertEquals(List.of("payments", "root"), TestStores.keytoolList(store, "PKCS12", "store-pw-31").aliases()
                .stream().sorted().toList(), "the other entries are kept");
        assertEquals(ProbeResult.DONE, kit.probe(r));

        kit.undo(r).assertSucceeded();
        assertEquals(before, AtomicFiles.sha256(store), "undo restores the exact bytes");
        assertTrue(keytoolEntry(store, "payments").contains("Serial number: " + old.cert().getSerialNumber()
                .toString(16)));
        assertEquals(ProbeResult.NOT_DONE, kit.probe(r));
    }

    @Test
    void runningItAgainChangesNothing() throws Exception {
        TestPki.Issued renewed = TestPki.server("payments.internal", TestPki.rsa(), issuing, List.of("localhost"));
        Path store = serviceStore(renewed);
        String before = AtomicFiles.sha256(store);
        Path key = TestPki.writePem(dir.resolve("k.pem"), renewed.key());
        Path chain = TestPki.writePem(dir.resolve("c.pem"), renewed.cert(), issuing.cert(), root.cert());

        StepRecording r = kit(store, key, chain).apply().assertSucceeded();

        assertEquals(false, r.output("changed"));
        assertEquals(before, AtomicFiles.sha256(store));
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheCertificateAndTouchesNothing() throws Exception {
        TestPki.Issued old = TestPki.server("payments.internal", TestPki.rsa(), issuing, List.of("localhost"));
        Path store = serviceStore(old);
        String before = AtomicFiles.sha256(store);
        TestPki.Issued renewed = TestPki.server("payments.internal", TestPki.rsa(), issuing, List.of("localhost"));
        Path wrongKey = TestPki.writePem(dir.resolve("wrong.key"), TestPki.rsa().getPrivate());
        Path chain = TestPki.writePem(dir.resolve("chain.pem"), renewed.cert(), issuing.cert());

        StepRecording r = kit(store, wrongKey, chain).apply().assertFailed();

        assertTrue(r.error().contains("does not belong to the server certificate"), r.error());
        assertEquals(before, AtomicFiles.sha256(store));
        assertFalse(Files.readString(r.journal()).contains("store-pw-31"));
    }

    @Test
    void refusesAChainOutOfOrder() throws Exception {
        Path store = serviceStore(TestPki.server("p", TestPki.rsa(), issuing, List.of("localhost")));
        TestPki.Issued renewed = TestPki.server("payments.internal", TestPki.rsa(), issuing, List.of("localhost"));
        Path key = TestPki.writePem(dir.resolve("k.pem"), renewed.key());
        Path chain = TestPki.writePem(dir.resolve("c.pem"), renewed.cert(), root.cert(), issuing.cert());

        StepRecording r = kit(store, key, chain).apply().assertFailed();

        assertTrue(r.error().contains("is not signed by certificate 2"), r.error());
    }

    @Test
    void aWrongPasswordIsAClearErrorWithoutTheSecret() throws Exception {
        Path store = serviceStore(TestPki.server("p", TestPki.rsa(), issuing, List.of("localhost")));
        TestPki.Issued renewed = TestPki.server("payments.internal", TestPki.rsa(), issuing, List.of("localhost"));
        StepRecording r = StepTestKit.of(new KeystoreImportKeyStep()).with("store", store)
                .secret("password", "not-the-pw-42").with("alias", "payments")
                .with("key", TestPki.writePem(dir.resolve("k.pem"), renewed.key()))
                .with("chain", TestPki.writePem(dir.resolve("c.pem"), renewed.cert(), issuing.cert()))
                .apply().assertFailed();
        assertTrue(r.error().contains("wrong password?"), r.error());
        assertFalse(r.error().contains("not-the-pw-42"), r.error());
    }
}
