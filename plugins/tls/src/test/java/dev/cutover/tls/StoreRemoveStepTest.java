package dev.cutover.tls;

import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreRemoveStepTest {
    private static final String PASSWORD = "Remove-Pw-3";
    @TempDir
    Path dir;

    @Test
    void removesByPatternAndAliasThenUndoRestoresByteForByte() throws Exception {
        TestPki.Issued old = TestPki.root("Legacy 2019 Root", TestPki.rsa());
        TestPki.Issued other = TestPki.root("Legacy 2019 Other", TestPki.rsa());
        TestPki.Issued keep = TestPki.root("Current G1 Root", TestPki.ec());
        Path store = TestStores.trusted(dir.resolve("trust.jks"), "JKS", PASSWORD,
                Map.of("legacy", old.cert(), "other", other.cert(), "current", keep.cert()));
        byte[] original = Files.readAllBytes(store);
        StepTestKit kit = StepTestKit.of(new StoreRemoveStep()).runDirectory(dir.resolve("run")).with("store", store)
                .secret("password", PASSWORD).with("subject_matches", "Legacy 2019 Root").with("aliases", List.of("OTHER"));

        Plan plan = kit.plan();
        assertEquals(List.of("- alias 'legacy' from trust.jks", "- alias 'other' from trust.jks"), plan.changes());
        assertArrayEquals(original, Files.readAllBytes(store));

        StepRecording r = kit.apply().assertSucceeded();
        assertEquals(List.of("legacy", "other"), r.output("removed"));
        assertEquals(List.of("current"), TestStores.keytoolList(store, "JKS", PASSWORD).aliases());
        assertEquals(ProbeResult.DONE, kit.probe(r));

        kit.undo(r).assertSucceeded();
        assertArrayEquals(original, Files.readAllBytes(store));
        assertEquals(ProbeResult.NOT_DONE, kit.probe(r));
    }

    @Test
    void nothingMatchingIsUnchanged() throws Exception {
        TestPki.Issued keep = TestPki.root("Current G1 Root", TestPki.ec());
        Path store = TestStores.trusted(dir.resolve("trust.p12"), "PKCS12", PASSWORD, Map.of("current", keep.cert()));
        byte[] original = Files.readAllBytes(store);
        StepRecording r = StepTestKit.of(new StoreRemoveStep()).runDirectory(dir.resolve("run")).with("store", store)
                .secret("password", PASSWORD).with("sha256", List.of("00:11")).apply().assertSucceeded();
        assertEquals(List.of("step.started", "step.intent", "step.unchanged"), r.eventNames());
        assertArrayEquals(original, Files.readAllBytes(store));
    }

    @Test
    void aFailedRenameLeavesTheStoreIntact() throws Exception {
        TestPki.Issued old = TestPki.root("Legacy 2019 Root", TestPki.rsa());
        Path store = TestStores.trusted(dir.resolve("trust.p12"), "PKCS12", PASSWORD, Map.of("legacy", old.cert()));
        byte[] original = Files.readAllBytes(store);
        StoreRemoveStep crashing = new StoreRemoveStep((temp, target) -> {
            throw new java.io.IOException("disk full");
        });
        StepRecording r = StepTestKit.of(crashing).runDirectory(dir.resolve("run")).with("store", store)
                .secret("password", PASSWORD).with("aliases", List.of("legacy")).apply().assertFailed();
        assertTrue(r.error().contains("original file is unchanged"), r.error());
        assertArrayEquals(original, Files.readAllBytes(store));
    }
}
