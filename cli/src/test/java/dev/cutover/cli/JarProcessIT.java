package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the shaded jar as a real {@code java -jar} process, exit codes and all. */
class JarProcessIT {
    @TempDir
    Path dir;

    static final Path JAR = Path.of("target", "cutover.jar").toAbsolutePath();

    private record Result(int exit, String out) {
    }

    private Result cutover(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().put("NO_COLOR", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    @Test
    void theProductJarCarriesNoDemoAndSaysWhereItIs() throws Exception {
        Result r = cutover("demo");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().contains("./cutover demo") && r.out().contains("cutover-demo.jar"), r.out());
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(JAR.toFile())) {
            List<String> postgres = jar.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.startsWith("postgres-") || n.startsWith("io/zonky/") || n.startsWith("dev/cutover/demo/"))
                    .toList();
            assertEquals(List.of(), postgres, "no PostgreSQL binaries and no demo in the product jar");
        }
        assertTrue(Files.size(JAR) <= 40L * 1024 * 1024, "the product jar is at most 40 MiB: " + Files.size(JAR));
    }

    @Test
    void exitCodesAreTheContractWhenRunAsAProcess() throws Exception {
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, TraceRunbooks.header() + "steps:\n" + TraceRunbooks.step("a", "a", 0,
                TraceRunbooks.undo("undo-a", 0)) + "validate:\n" + TraceRunbooks.check("v", "v", 0));
        Path rolled = dir.resolve("rolled.yaml");
        Files.writeString(rolled, TraceRunbooks.header() + "steps:\n" + TraceRunbooks.step("a", "a", 0,
                TraceRunbooks.undo("undo-a", 0)) + "validate:\n" + TraceRunbooks.healthCheck("v", "v", 1));
        Path pre = dir.resolve("pre.yaml");
        Files.writeString(pre, TraceRunbooks.header() + "preflight:\n" + TraceRunbooks.check("p", "p", 1) + "steps:\n"
                + TraceRunbooks.step("a", "a", 0, TraceRunbooks.undo("undo-a", 0)));
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "apiVersion: cutover/v1\nname: x\nsteps: [ {id: a} ]\n");
        String trace = "trace=" + dir.resolve("trace" + File.separator + "..").normalize().resolve("t.log");

        Result r0 = cutover("run", ok.toString(), "--yes", "--set", trace);
        assertEquals(0, r0.exit(), r0.out());
        assertTrue(r0.out().contains("[ ok ] a"), r0.out());
        assertTrue(!r0.out().contains("\u001b["), "no colour when not a terminal");
        assertEquals(4, cutover("run", rolled.toString(), "--yes", "--set", trace).exit(),
                "validation still fails after rollback");
        assertEquals(3, cutover("run", pre.toString(), "--yes", "--set", trace).exit());
        Result r2 = cutover("run", broken.toString(), "--yes");
        assertEquals(2, r2.exit(), r2.out());
        assertTrue(r2.out().contains("broken.yaml:3:"), r2.out());
        assertEquals(5, cutover("run", ok.toString(), "--set", trace).exit());
        assertEquals(2, cutover("run", "--no-such-option").exit());
        Result runs = cutover("runs");
        assertTrue(runs.out().contains("ROLLBACK_FAILED") && runs.out().contains("PREFLIGHT_FAILED"), runs.out());
        assertTrue(Files.isDirectory(dir.resolve(".cutover/runs")), "default state dir is ./.cutover");
    }
}
