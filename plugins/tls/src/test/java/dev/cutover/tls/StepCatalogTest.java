package dev.cutover.tls;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.StepType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StepCatalogTest {

    private static Map<String, StepType> loaded() {
        Map<String, StepType> byId = new TreeMap<>();
        for (StepType t : ServiceLoader.load(StepType.class)) {
            if (t.id().startsWith("tls.")) {
                byId.put(t.id(), t);
            }
        }
        return byId;
    }

    @Test
    void serviceLoaderFindsExactlyTheContractedIds() {
        assertEquals(List.of("tls.bundle-inspect", "tls.expiry", "tls.handshake", "tls.keystore-import-key",
                "tls.store-backup", "tls.store-contains", "tls.store-import", "tls.store-inspect", "tls.store-remove", "tls.store-restore"), List.copyOf(loaded().keySet()));
    }

    @Test
    void readOnlyAndMutatingTypesDeclareThemselvesAndMutatingOnesUndoThemselves() {
        Map<String, StepType> types = loaded();
        for (String id : List.of("tls.bundle-inspect", "tls.store-inspect", "tls.store-contains", "tls.expiry", "tls.handshake")) {
            assertTrue(types.get(id).readOnly(Map.of()), id);
        }
        for (String id : List.of("tls.store-import", "tls.store-remove", "tls.store-restore")) {
            StepType t = types.get(id);
            assertFalse(t.readOnly(Map.of()), id);
            assertTrue((t instanceof dev.cutover.spi.Undoable), id);
            assertTrue(t.traits().contains("changes:truststore"), id);
        }
        assertFalse(types.get("tls.store-backup").readOnly(Map.of()));
        assertTrue((types.get("tls.store-backup") instanceof dev.cutover.spi.Undoable));
    }

    @Test
    void everyPasswordInputIsASecretAndEveryInputIsDescribed() {
        for (StepType t : loaded().values()) {
            assertFalse(t.description().isBlank(), t.id());
            for (InputSpec in : t.inputs()) {
                assertFalse(in.description().isBlank(), t.id() + "." + in.name());
                if (in.name().contains("password")) {
                    assertEquals(InputType.SECRET, in.type(), t.id() + "." + in.name());
                    assertTrue(in.secret(), t.id() + "." + in.name());
                }
            }
        }
    }
}
