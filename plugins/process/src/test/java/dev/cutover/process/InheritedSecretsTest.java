package dev.cutover.process;

import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class InheritedSecretsTest {

    @Test
    void doesNotPassOnAnInheritedVariableThatHoldsOneOfTheRunsSecrets(@TempDir Path dir) throws Exception {
        String home = System.getenv("HOME");
        assertNotNull(home, "the test needs HOME set");
        Path out = dir.resolve("seen.txt");
        StepContext ctx = context(dir, home, Map.of("name", "env-test", "pid_file", dir.resolve("p.pid").toString(),
                "command", List.of("sh", "-c", "echo \"home=$HOME\" > " + out + "; exec sleep 300"),
                "ready_timeout", "10s", "detach", true, "inherit_env", true));

        Map<String, Object> started = ServiceControl.start(ServiceSpec.read(ctx, true), ctx);
        try {
            for (int i = 0; i < 50 && (!Files.exists(out) || Files.size(out) == 0); i++) {
                Thread.sleep(100);
            }
            assertEquals("home=", Files.readString(out).trim());
        } finally {
            ProcessHandle.of(((Number) started.get("pid")).longValue()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** A step context whose run has registered {@code secret} for masking, as the engine does for env: sources. */
    private static StepContext context(Path dir, String secret, Map<String, Object> values) {
        Inputs inputs = new Inputs(values, dir);
        return new StepContext() {
            @Override
            public String stepId() {
                return "start";
            }

            @Override
            public Inputs inputs() {
                return inputs;
            }

            @Override
            public Path runDirectory() {
                return dir;
            }

            @Override
            public String runId() {
                return "run";
            }

            @Override
            public Optional<Duration> timeout() {
                return Optional.empty();
            }

            @Override
            public boolean dryRun() {
                return false;
            }

            @Override
            public void note(String message) {
            }

            @Override
            public String mask(String text) {
                return text.replace(secret, "***");
            }
        };
    }
}
