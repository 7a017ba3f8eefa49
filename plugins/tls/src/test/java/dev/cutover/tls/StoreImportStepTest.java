package dev.cutover.tls;

import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreImportStepTest {
    private static final String PASSWORD = "Truststore-Pw-7731";
    @TempDir
    Path dir;

    private int runs;

    private Path runDir() {
        return dir.resolve("runs").resolve("run-" + ++runs);
    }

    private StepTestKit kit(Path store) throws IOException {
        return StepTestKit.of(new StoreImportStep()).runDirectory(runDir()).with("store", store)
                .secret("password", PASSWORD).with("bundle", TestPki.rdsBundle());
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(StepRecording r, String key) {
        return (List<String>) r.output(key);
    }

    @Test
    void importsEveryCertificateOfTheRdsBundleIntoNewPkcs12AndJksStoresThatKeytoolReadsBack() throws Exception {
        for (String type : List.of("PKCS12", "JKS")) {
            Path store = dir.resolve("rds-" + type.toLowerCase() + ".store");
            StepRecording r = kit(store).with("create", true).with("type", type).apply().assertSucceeded();
            assertEquals(115, list(r, "added").size());
            assertEquals(115, r.output("count"));

            TestStores.Listing listing = TestStores.keytoolList(store, type, PASSWORD);
            assertEquals(0, listing.exitCode(), listing.output());
            assertEquals(115, listing.count(), listing.output());
            assertEquals(115, listing.aliases().size(), listing.output());
            assertTrue(listing.aliases().contains("amazon rds us-east-1 root ca rsa2048 g1"), listing.output());
            assertFalse(listing.output().contains("PrivateKeyEntry"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
        }
    }

    @Test
    void importsOnlyTheRsa2048G1FamilyWhenAskedAndKeepsExistingEntries() throws Exception {
        TestPki.Issued own = TestPki.root("Corporate Root", TestPki.rsa());
        Path store = TestStores.trusted(dir.resolve("trust.p12"), "PKCS12", PASSWORD, Map.of("corporate root", own.cert()));

        StepRecording r = kit(store).with("subject_matches", "RSA2048 G1").apply().assertSucceeded();

        assertEquals(29, list(r, "added").size());
        assertTrue(list(r, "added").stream().allMatch(a -> a.contains("rsa2048 g1")), r.outputs().toString());
        TestStores.Listing listing = TestStores.keytoolList(store, "PKCS12", PASSWORD);
        assertEquals(30, listing.count(), listing.output());
        assertTrue(listing.aliases().contains("corporate root"));
    }

    @Test
    void planListsAliasesToAddAndAlreadyPresentAndChangesNothing() throws Exception {
        Path store = TestStores.trusted(dir.resolve("trust.jks"), "JKS", PASSWORD, Map.of());
        StepTestKit first = kit(store).with("subject_matches", "eu-west-1 Root CA RSA2048 G1");
        first.apply().assertSucceeded();
        byte[] before = Files.readAllBytes(store);

        Plan plan = kit(store).with("subject_matches", "CN=Amazon RDS (eu-west-1|us-east-1) Root CA RSA2048 G1").plan();

        assertArrayEquals(before, Files.readAllBytes(store), "plan changed the store");
        assertTrue(plan.changes().contains("= alias 'amazon rds eu-west-1 root ca rsa2048 g1' already present"),
                plan.changes().toString());
        assertTrue(plan.changes().stream().anyMatch(c -> c.startsWith("+ alias 'amazon rds us-east-1 root ca rsa2048 g1'")),
                plan.changes().toString());
        assertEquals(2, plan.changes().size());
        assertTrue(plan.summary().contains("would add 1 certificate(s)"), plan.summary());
    }

    @Test
    void reimportingIsUnchangedAndLeavesTheStoreAsItWas() throws Exception {
        Path store = dir.resolve("trust.p12");
        kit(store).with("create", true).with("type", "pkcs12").apply().assertSucceeded();
        byte[] before = Files.readAllBytes(store);

        StepRecording again = kit(store).apply().assertSucceeded();

        assertEquals(List.of("step.started", "step.intent", "step.unchanged"), again.eventNames());
        assertEquals(115, list(again, "already_present").size());
        assertArrayEquals(before, Files.readAllBytes(store));
    }

    @Test
    void undoRestoresTheStoreByteForByteAndProbeFollowsTheHash() throws Exception {
        TestPki.Issued own = TestPki.root("Corporate Root", TestPki.rsa());
        Path store = TestStores.trusted(dir.resolve("trust.p12"), "PKCS12", PASSWORD, Map.of("corporate root", own.cert()));
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r-----"));
        byte[] original = Files.readAllBytes(store);
        StepTestKit kit = kit(store);

        StepRecording applied = kit.apply().assertSucceeded();
        assertEquals(List.of("step.started", "step.intent", "step.succeeded"), applied.eventNames());
        Map<String, Object> intent = applied.intent().data();
        assertEquals(dev.cutover.spi.AtomicFiles.sha256(original), intent.get("backup_sha256"));
        assertArrayEquals(original, Files.readAllBytes(Path.of(intent.get("backup").toString())));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
        assertEquals(116, TestStores.keytoolList(store, "PKCS12", PASSWORD).count());
        assertEquals(ProbeResult.DONE, kit.probe(applied));

        StepRecording undone = kit.undo(applied).assertSucceeded();

        assertArrayEquals(original, Files.readAllBytes(store));
        assertEquals(List.of("undo.started", "undo.succeeded"), undone.eventNames());
        assertEquals(ProbeResult.NOT_DONE, kit.probe(applied));
        assertFalse(Files.readString(applied.journal()).contains(PASSWORD), "password reached the journal");
    }

    @Test
    void undoRefusesATamperedBackupAndLeavesTheStoreAlone() throws Exception {
        Path store = TestStores.trusted(dir.resolve("trust.jks"), "JKS", PASSWORD, Map.of());
        StepTestKit kit = kit(store).with("subject_matches", "RSA4096 G1");
        StepRecording applied = kit.apply().assertSucceeded();
        byte[] afterImport = Files.readAllBytes(store);
        Files.writeString(Path.of(applied.intent().string("backup")), "tampered");

        StepRecording undone = kit.undo(applied).assertFailed();

        assertTrue(undone.error().contains("altered after the backup"), undone.error());
        assertArrayEquals(afterImport, Files.readAllBytes(store));
    }

    @Test
    void aFailedRenameBetweenBackupAndReplaceLeavesTheOriginalIntact() throws Exception {
        TestPki.Issued own = TestPki.root("Corporate Root", TestPki.ec());
        Path store = TestStores.trusted(dir.resolve("trust.p12"), "PKCS12", PASSWORD, Map.of("corporate root", own.cert()));
        byte[] original = Files.readAllBytes(store);
        StoreImportStep crashing = new StoreImportStep((temp, target) -> {
            throw new IOException("simulated crash before rename");
        });

        StepRecording r = StepTestKit.of(crashing).runDirectory(runDir()).with("store", store)
                .secret("password", PASSWORD).with("bundle", TestPki.rdsBundle()).apply().assertFailed();

        assertTrue(r.error().contains("original file is unchanged"), r.error());
        assertArrayEquals(original, Files.readAllBytes(store));
        assertArrayEquals(original, Files.readAllBytes(Path.of(r.intent().string("backup"))));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("runs", "trust.p12"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "temp file left behind");
        }
        assertEquals(1, TestStores.keytoolList(store, "PKCS12", PASSWORD).count());
    }

    @Test
    void undoOfACreatedStoreDeletesIt() throws Exception {
        Path store = dir.resolve("new.jks");
        StepTestKit kit = kit(store).with("create", true).with("type", "jks").with("subject_matches", "ECC384 G1");
        StepRecording applied = kit.apply().assertSucceeded();
        assertEquals(29, TestStores.keytoolList(store, "JKS", PASSWORD).count());
        assertEquals(ProbeResult.DONE, kit.probe(applied));

        kit.undo(applied).assertSucceeded();

        assertFalse(Files.exists(store));
        assertEquals(ProbeResult.NOT_DONE, kit.probe(applied));
    }

    @Test
    void keepExistingFalseDropsTrustedCertificatesOutsideTheSelection() throws Exception {
        TestPki.Issued old = TestPki.root("Retired Root", TestPki.rsa());
        Path store = TestStores.trusted(dir.resolve("trust.p12"), "PKCS12", PASSWORD, Map.of("retired root", old.cert()));

        Plan plan = kit(store).with("subject_matches", "CN=Amazon RDS us-east-1 Root CA RSA2048").with("keep_existing", false).plan();
        assertTrue(plan.changes().contains("- alias 'retired root' (keep_existing: false)"), plan.changes().toString());
        StepRecording r = kit(store).with("subject_matches", "CN=Amazon RDS us-east-1 Root CA RSA2048").with("keep_existing", false)
                .apply().assertSucceeded();

        assertEquals(List.of("retired root"), r.output("removed"));
        assertEquals(List.of("amazon rds us-east-1 root ca rsa2048 g1"), TestStores.keytoolList(store, "PKCS12", PASSWORD).aliases());
    }

    @Test
    void deduplicatesAliasesDeterministicallyWhenACnIsAlreadyTakenByAnotherCertificate() throws Exception {
        TestPki.Issued a = TestPki.root("Shared Name CA", TestPki.rsa());
        TestPki.Issued b = TestPki.root("Shared Name CA", TestPki.ec());
        Path store = TestStores.trusted(dir.resolve("trust.jks"), "JKS", PASSWORD, Map.of("shared name ca", a.cert()));
        Path bundle = TestPki.writePem(dir.resolve("b.pem"), b.cert(), a.cert());

        StepRecording r = StepTestKit.of(new StoreImportStep()).runDirectory(runDir()).with("store", store)
                .secret("password", PASSWORD).with("bundle", bundle).apply().assertSucceeded();

        assertEquals(List.of("shared name ca (2)"), r.output("added"));
        assertEquals(List.of("shared name ca"), r.output("already_present"));
    }

    @Test
    void explainsAMissingStoreAndAMissingPassword() throws Exception {
        StepRecording noDir = kit(dir.resolve("nodir").resolve("t.p12")).with("create", true).with("type", "pkcs12")
                .apply().assertFailed();
        assertTrue(noDir.error().contains("directory " + dir.resolve("nodir") + " does not exist"), noDir.error());
        StepRecording missing = kit(dir.resolve("absent.p12")).apply().assertFailed();
        assertTrue(missing.error().contains("does not exist") && missing.error().contains("create: true"), missing.error());

        Path store = TestStores.trusted(dir.resolve("trust.jks"), "JKS", PASSWORD, Map.of());
        StepRecording noPassword = StepTestKit.of(new StoreImportStep()).runDirectory(runDir())
                .with("store", store).with("bundle", TestPki.rdsBundle()).apply().assertFailed();
        assertTrue(noPassword.error().contains("input 'password' is required"), noPassword.error());
    }
    @Test
    void aSymlinkedStoreKeepsItsLinkAndTheFileItPointsToIsReplacedAndRestored() throws Exception {
        TestPki.Issued own = TestPki.root("Corporate Root", TestPki.rsa());
        Path real = TestStores.trusted(dir.resolve("cacerts.real"), "JKS", PASSWORD, Map.of("corporate root", own.cert()));
        Path link = Files.createSymbolicLink(dir.resolve("cacerts"), real.getFileName());
        byte[] original = Files.readAllBytes(real);
        StepTestKit kit = kit(link).with("subject_matches", "RSA2048 G1");

        StepRecording applied = kit.apply().assertSucceeded();

        assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
        assertEquals(30, TestStores.keytoolList(real, "JKS", PASSWORD).count());
        kit.undo(applied).assertSucceeded();
        assertTrue(Files.isSymbolicLink(link));
        assertArrayEquals(original, Files.readAllBytes(real));
    }
}
