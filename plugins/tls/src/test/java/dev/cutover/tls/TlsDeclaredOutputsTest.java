package dev.cutover.tls;

import dev.cutover.spi.StepType;
import dev.cutover.testkit.DeclaredOutputs;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every tls step type run for real through the test kit: what it outputs is exactly what it declares
 * (apart from outputs documented as conditional), so {@code cutover steps} and the load-time reference
 * check cannot drift from the code.
 */
class TlsDeclaredOutputsTest {
    private static final String PASSWORD = "Outputs-Pw-4411";
    @TempDir
    Path dir;

    private Path store(String name, TestPki.Issued... cas) throws Exception {
        Map<String, X509Certificate> m = new LinkedHashMap<>();
        for (TestPki.Issued ca : cas) {
            m.put(Aliases.fromCn(ca.cert()), ca.cert());
        }
        return TestStores.trusted(dir.resolve(name), "PKCS12", PASSWORD, m);
    }

    private static StepRecording match(StepType type, StepTestKit kit, String... mayBeAbsent) throws Exception {
        return DeclaredOutputs.assertMatch(type, kit.apply(), mayBeAbsent);
    }

    @Test
    void readOnlyTypesOutputWhatTheyDeclare() throws Exception {
        TestPki.Issued root = TestPki.root("Outputs Root", TestPki.rsa());
        Path trust = store("trust.p12", root);
        Path bundle = TestPki.writePem(dir.resolve("root.pem"), root.cert());
        match(new BundleInspectStep(), StepTestKit.of(new BundleInspectStep()).with("bundle", TestPki.rdsBundle()));
        match(new StoreInspectStep(), StepTestKit.of(new StoreInspectStep()).with("store", trust)
                .secret("password", PASSWORD));
        match(new StoreContainsStep(), StepTestKit.of(new StoreContainsStep()).with("store", trust)
                .secret("password", PASSWORD).with("bundle", bundle));
        match(new ExpiryStep(), StepTestKit.of(new ExpiryStep()).with("bundle", TestPki.rdsBundle()).with("days", 30)
                .with("ignore_expired", true));
        TestPki.Issued server = TestPki.server("localhost", TestPki.rsa(), root, List.of("localhost"));
        try (TestTlsServer s = TestTlsServer.start(server)) {
            match(new HandshakeStep(), StepTestKit.of(new HandshakeStep()).with("host", "localhost")
                    .with("port", s.port()).with("truststore", trust).secret("truststore_password", PASSWORD)
                    .with("timeout", "5s"));
        }
    }

    @Test
    void storeChangesOutputWhatTheyDeclareOnEveryPath() throws Exception {
        TestPki.Issued oldCa = TestPki.root("Outputs Old CA", TestPki.rsa());
        TestPki.Issued newCa = TestPki.root("Outputs New CA", TestPki.rsa());
        Path bundle = TestPki.writePem(dir.resolve("new.pem"), newCa.cert());

        Path created = dir.resolve("created.p12");
        match(new StoreImportStep(), StepTestKit.of(new StoreImportStep()).with("store", created)
                .secret("password", PASSWORD).with("bundle", bundle).with("create", true).with("type", "PKCS12"),
                "backup", "backup_sha256");

        Path trust = store("trust.p12", oldCa);
        match(new StoreImportStep(), StepTestKit.of(new StoreImportStep()).with("store", trust)
                .secret("password", PASSWORD).with("bundle", bundle));
        match(new StoreRemoveStep(), StepTestKit.of(new StoreRemoveStep()).with("store", trust)
                .secret("password", PASSWORD).with("aliases", List.of(Aliases.fromCn(newCa.cert()))));

        StepRecording backup = match(new StoreBackupStep(), StepTestKit.of(new StoreBackupStep()).with("store", trust));
        match(new StoreRestoreStep(), StepTestKit.of(new StoreRestoreStep()).with("store", trust)
                .with("backup", backup.output("backup")), "backup", "backup_sha256");
        store("trust.p12", oldCa, newCa);
        match(new StoreRestoreStep(), StepTestKit.of(new StoreRestoreStep()).with("store", trust)
                .with("backup", backup.output("backup")).with("sha256", backup.output("sha256")));
    }
}
