package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A step's process does not inherit the environment variables that hold this run's secrets. cutover
 * runs as its own process with TRUSTSTORE_PASSWORD (read by {@code from: env:}) and a second variable
 * holding the same value in its real environment; each child dumps its own /proc/PID/environ.
 */
class ChildEnvironmentTest {
    private static final String SECRET = "ts-pass-5e1f0c-inherit";

    @TempDir
    Path dir;

    @Test
    void childrenSeeTheSecretOnlyWhereTheStepPassesIt() throws Exception {
        Path runbook = dir.resolve("env.yaml");
        Files.writeString(runbook, """
                apiVersion: cutover/v1
                name: child-env
                params:
                  pw: { type: secret, required: true, from: env:TRUSTSTORE_PASSWORD }
                  dir: { type: path, required: true }
                preflight:
                  - id: not-passed
                    uses: shell.exec
                    with:
                      readonly: true
                      command: [sh, -c, 'tr "\\0" "\\n" < /proc/$$/environ > "$D/not-passed.env"']
                      env: { D: "${params.dir}" }
                  - id: passed
                    uses: shell.exec
                    with:
                      readonly: true
                      command: [sh, -c, 'tr "\\0" "\\n" < /proc/$$/environ > "$D/passed.env"']
                      env: { D: "${params.dir}", TRUSTSTORE_PASSWORD: "${params.pw}" }
                steps:
                  - id: service
                    uses: process.start
                    with:
                      name: dumper
                      pid_file: "${params.dir}/dumper.pid"
                      command: [sh, -c, 'tr "\\0" "\\n" < /proc/$$/environ > "$D/service.env"; exec sleep 60']
                      env: { D: "${params.dir}" }
                      ready_timeout: 10s
                """);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CutoverCli.class.getName(), "run", runbook.toString(),
                "--yes", "--allow", "validate-without-new-connection", "--set", "dir=" + dir, "--state-dir",
                dir.resolve("state").toString());
        pb.environment().put("TRUSTSTORE_PASSWORD", SECRET);
        pb.environment().put("SAME_VALUE_ELSEWHERE", SECRET);
        pb.environment().put("HOLDS_IT_INSIDE", "jdbc:postgresql://db/app?password=" + SECRET);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("cutover.out").toFile());
        Process cutover = pb.start();
        try {
            assertTrue(cutover.waitFor(120, TimeUnit.SECONDS), "cutover finished");
            String printed = Files.readString(dir.resolve("cutover.out"));
            assertEquals(0, cutover.exitValue(), printed);
            assertFalse(printed.contains(SECRET), printed);

            List<String> notPassed = lines(dir.resolve("not-passed.env"));
            List<String> service = lines(dir.resolve("service.env"));
            for (List<String> env : List.of(notPassed, service)) {
                assertTrue(env.stream().anyMatch(l -> l.startsWith("PATH=")), "the rest is inherited: " + env);
                assertTrue(env.stream().noneMatch(l -> l.contains(SECRET)), "no variable holds the secret: " + env);
                assertTrue(env.stream().noneMatch(l -> l.startsWith("TRUSTSTORE_PASSWORD=")), env.toString());
            }
            assertTrue(lines(dir.resolve("passed.env")).contains("TRUSTSTORE_PASSWORD=" + SECRET),
                    "a step that passes the secret under env: gets it");
        } finally {
            cutover.destroyForcibly();
            Path pid = dir.resolve("dumper.pid");
            if (Files.exists(pid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static List<String> lines(Path f) throws IOException {
        for (int i = 0; i < 100 && (!Files.exists(f) || Files.size(f) == 0); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Arrays.asList(Files.readString(f, StandardCharsets.UTF_8).split("\n"));
    }
}
