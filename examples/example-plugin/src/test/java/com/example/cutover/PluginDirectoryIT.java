package com.example.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example plugin installed the way docs/plugins.md says, used by the real product jar
 * ({@code java -jar cutover.jar}, no class path): from ~/.cutover/plugins and from
 * $CUTOVER_PLUGIN_PATH, listed with its origin, run in a runbook; a second copy is refused.
 */
class PluginDirectoryIT {
    static final Path PLUGIN_JAR = Path.of(System.getProperty("plugin.jar"));
    static final Path CUTOVER_JAR = Path.of(System.getProperty("cutover.jar")).normalize();

    @TempDir
    Path dir;

    Path home;

    private record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void jarsExist() {
        assertTrue(Files.isRegularFile(PLUGIN_JAR), "build the plugin first: " + PLUGIN_JAR);
        assertTrue(Files.isRegularFile(CUTOVER_JAR), "build the CLI first (mvn -pl cli -am package): " + CUTOVER_JAR);
        home = dir.resolve("home");
    }

    /** {@code java -jar cutover.jar ARGS} with HOME and user.home at {@link #home}, and these variables. */
    private Result cutover(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-jar", CUTOVER_JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("CUTOVER_PLUGIN_PATH");
        pb.environment().put("HOME", home.toString());
        pb.environment().put("NO_COLOR", "1");
        pb.environment().putAll(env);
        pb.redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cutover finished");
        return new Result(p.exitValue(), out, Files.readString(dir.resolve("err.txt")));
    }

    private Path install(Path pluginDir, String name) throws Exception {
        Files.createDirectories(pluginDir);
        return Files.copy(PLUGIN_JAR, pluginDir.resolve(name));
    }

    @Test
    void aJarInTheUserPluginDirectoryIsListedWithItsOriginAndRunsInARunbook() throws Exception {
        Result before = cutover(Map.of(), "steps");
        assertEquals(0, before.exit(), before.err());
        assertFalse(before.out().contains("example.file-contains"), "not installed yet");

        Path jar = install(home.resolve(".cutover/plugins"), "file-contains.jar");
        Result steps = cutover(Map.of(), "steps");
        assertEquals(0, steps.exit(), steps.err());
        assertTrue(steps.out().contains("Step types from " + jar + ":\nexample.file-contains  (read-only)  Check that"),
                steps.out());
        assertTrue(steps.out().contains("Step types built in:\n"), steps.out());
        JsonNode json = new ObjectMapper().readTree(cutover(Map.of(), "steps", "--output", "json").out());
        for (JsonNode t : json.get("step_types")) {
            String origin = t.get("id").asText().equals("example.file-contains") ? jar.toString() : "built-in";
            assertEquals(origin, t.get("origin").asText(), t.toString());
        }
        assertEquals("built-in", json.at("/secret_sources/0/origin").asText());

        Path conf = Files.writeString(dir.resolve("app.conf"), "truststore=/srv/app/new.p12\n");
        Path runbook = Files.writeString(dir.resolve("check.yaml"), """
                apiVersion: cutover/v1
                name: plugin-check
                params:
                  text: { type: string, required: true }
                preflight:
                  - id: conf-names-new-store
                    uses: example.file-contains
                    with: { path: %s, text: "${params.text}" }
                steps:
                  - id: note
                    uses: shell.exec
                    with: { command: ["true"] }
                    no_undo: "nothing to undo"
                """.formatted(conf));
        Result ok = cutover(Map.of(), "run", runbook.toString(), "--yes", "--set", "text=new.p12", "--state-dir",
                dir.resolve("state").toString());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        Result preflight = cutover(Map.of(), "run", runbook.toString(), "--yes", "--set", "text=old.p12",
                "--state-dir", dir.resolve("state").toString());
        assertEquals(3, preflight.exit(), preflight.out() + preflight.err());
        assertTrue(preflight.out().contains("contains 'old.p12'"), preflight.out());
    }

    @Test
    void thePluginPathVariableReplacesTheUserDirectoryAndTwoCopiesAreRefusedNamingBoth() throws Exception {
        Path userCopy = install(home.resolve(".cutover/plugins"), "file-contains.jar");
        Path a = install(dir.resolve("team-plugins"), "a-file-contains.jar");
        Result one = cutover(Map.of("CUTOVER_PLUGIN_PATH", a.toString()), "steps");
        assertEquals(0, one.exit(), one.err());
        assertTrue(one.out().contains("Step types from " + a + ":"), one.out());
        assertFalse(one.out().contains(userCopy.toString()), "the variable replaces ~/.cutover/plugins");

        Path b = install(dir.resolve("team-plugins"), "b-file-contains.jar");
        Result two = cutover(Map.of("CUTOVER_PLUGIN_PATH", dir.resolve("team-plugins").toString()), "steps");
        assertEquals(2, two.exit(), two.out() + two.err());
        assertTrue(two.err().contains("two step types claim the id 'example.file-contains'"), two.err());
        assertTrue(two.err().contains(a.toString()) && two.err().contains(b.toString()), two.err());

        Result missing = cutover(Map.of("CUTOVER_PLUGIN_PATH", dir.resolve("no-such-dir").toString()), "steps");
        assertEquals(2, missing.exit(), missing.err());
        assertTrue(missing.err().contains("CUTOVER_PLUGIN_PATH names " + dir.resolve("no-such-dir")
                + ", which does not exist"), missing.err());
    }
}
