package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher's start-up training ({@link StartupTraining}) in the real jar, as {@code ./cutover} starts it:
 * the fleet run over SSH against its embedded host succeeds (a failing one would train the cache on an error
 * path), prints nothing, and leaves nothing behind.
 */
class StartupTrainingIT {
    @Test
    void trainsOnASucceedingFleetRunAndLeavesNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out.txt");
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-Djava.io.tmpdir=" + scratch, "-cp",
                ShadedJarIT.JAR.toString(), "dev.cutover.cli.StartupTraining",
                Path.of("..", "runbooks", "rds-ca-rotation.yaml").toAbsolutePath().normalize().toString()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "training did not finish");
        assertEquals(0, p.exitValue(), Files.readString(out));
        assertEquals("", Files.readString(out).lines().filter(l -> !l.startsWith("WARNING:"))
                .reduce("", (a, b) -> a + b + "\n"), "printed");
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(List.of(), left.toList(), "left behind");
        }
    }
}
