package dev.cutover.aws;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.SecretSource;
import dev.cutover.spi.StepType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwsPluginDiscoveryTest {

    private static Map<String, StepType> types() {
        Map<String, StepType> m = new TreeMap<>();
        ServiceLoader.load(StepType.class).forEach(t -> {
            if (t.id().startsWith("aws.")) {
                m.put(t.id(), t);
            }
        });
        return m;
    }

    @Test
    void serviceLoaderFindsEveryStepIdOfTheContract() {
        assertEquals(Set.of("aws.rds.describe", "aws.rds.assert-ca", "aws.rds.certificates", "aws.rds.set-ca",
                "aws.ssm.run-command"), types().keySet());
    }

    @Test
    void onlySetCaAndRunCommandAreMutatingAndSetCaUndoesItself() {
        Map<String, StepType> t = types();
        assertTrue(t.get("aws.rds.describe").readOnly(Map.of()));
        assertTrue(t.get("aws.rds.assert-ca").readOnly(Map.of()));
        assertTrue(t.get("aws.rds.certificates").readOnly(Map.of()));
        assertFalse(t.get("aws.rds.set-ca").readOnly(Map.of()));
        assertTrue((t.get("aws.rds.set-ca") instanceof dev.cutover.spi.Undoable));
        assertTrue(t.get("aws.rds.set-ca").traits().contains("changes:database-ca"));
        assertFalse((t.get("aws.ssm.run-command") instanceof dev.cutover.spi.Undoable));
    }

    @Test
    void runCommandIsReadOnlyOnlyWhenTheRunbookSaysSo() {
        StepType ssm = types().get("aws.ssm.run-command");
        assertFalse(ssm.readOnly(Map.of()));
        assertFalse(ssm.readOnly(Map.of("readonly", false)));
        assertTrue(ssm.readOnly(Map.of("readonly", true)));
        assertTrue(ssm.readOnly(Map.of("readonly", "true")));
    }

    @Test
    void everyTypeAcceptsRegionProfileAndEndpointAndDescribesEachInput() {
        for (StepType t : types().values()) {
            Set<String> names = t.inputs().stream().map(InputSpec::name).collect(Collectors.toSet());
            assertTrue(names.containsAll(Set.of("region", "profile", "endpoint")), t.id() + " " + names);
            assertTrue(t.inputs().stream().noneMatch(i -> i.description().isBlank()), t.id());
            assertFalse(t.description().isBlank(), t.id());
        }
    }

    @Test
    void runCommandRefusesSecretsInCommandsAndParameters() {
        StepType ssm = types().get("aws.ssm.run-command");
        for (InputSpec i : ssm.inputs()) {
            if (i.name().equals("commands") || i.name().equals("parameters")) {
                assertFalse(i.acceptsSecret(), i.name());
            }
        }
    }

    @Test
    void serviceLoaderFindsTheSecretsManagerSource() {
        Set<String> schemes = ServiceLoader.load(SecretSource.class).stream().map(p -> p.get().scheme())
                .collect(Collectors.toSet());
        assertTrue(schemes.contains("aws-secretsmanager"), schemes.toString());
    }
}
