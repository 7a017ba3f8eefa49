package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One canary secret through every command and failure path: it must not appear in anything printed or written. */
class SecretCanaryTest {
    private static final String CANARY = "canary-91c3e7-do-not-leak";

    @TempDir
    Path dir;

    private final List<String> printed = new ArrayList<>();

    private CliRun cli(String... args) {
        CliRun r = CliRun.withEnv(Map.of("APP_TOKEN", CANARY), args);
        printed.add(String.join(" ", args) + "\n" + r.all());
        return r;
    }

    @Test
    void theCanaryAppearsNowhere() throws Exception {
        Path state = dir.resolve("state");
        Path runbook = dir.resolve("canary.yaml");
        Files.writeString(runbook, """
                apiVersion: cutover/v1
                name: canary
                params:
                  token: { type: secret, required: true, from: env:APP_TOKEN }
                  fail: { type: string, default: "no" }
                preflight:
                  - id: echo-token
                    uses: shell.exec
                    with:
                      readonly: true
                      command: [sh, -c, 'echo "token is $T"; echo "stderr $T" >&2']
                      env: { T: "${params.token}" }
                steps:
                  - id: write
                    uses: shell.exec
                    with:
                      command: [sh, -c, 'echo "$T" > "$D/secret.txt"; echo "wrote $T"']
                      env: { T: "${params.token}", D: "%s" }
                    undo:
                      uses: shell.exec
                      with:
                        command: [sh, -c, 'rm "$D/secret.txt"; echo "removed $T"; exit 0']
                        env: { T: "${params.token}", D: "%s" }
                validate:
                  - id: check
                    uses: shell.exec
                    revalidate: true
                    with:
                      readonly: true
                      command: [sh, -c, 'test "$F" != yes || { echo "bad token $T" >&2; exit 3; }']
                      env: { T: "prefix-${params.token}-suffix", F: "${params.fail}" }
                """.formatted(dir, dir));
        String s = state.toString();
        assertEquals(0, cli("validate", runbook.toString()).exit());
        assertEquals(0, cli("plan", runbook.toString(), "--state-dir", s).exit());
        CliRun ok = cli("run", runbook.toString(), "--yes", "--state-dir", s, "--output", "json");
        assertEquals(0, ok.exit(), ok.all());
        assertEquals(CANARY, Files.readString(dir.resolve("secret.txt")).trim(), "the step received the secret");
        String okRun = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok.out()).get("run_id").asText();
        CliRun failed = cli("run", runbook.toString(), "--yes", "--state-dir", s, "--set", "fail=yes", "--verbose");
        assertEquals(4, failed.exit(), failed.all());
        assertEquals(1, cli("rollback", okRun, "--runbook", runbook.toString(), "--reason", "canary", "--yes", "--state-dir", s).exit());
        assertEquals(0, cli("verify", okRun, "--state-dir", s).exit());
        assertEquals(0, cli("runs", "--state-dir", s).exit());
        for (String format : List.of("md", "html", "json")) {
            Path out = dir.resolve("report." + format);
            CliRun rep = cli("report", okRun, "--format", format, "--out", out.toString(), "--state-dir", s);
            assertEquals(0, rep.exit(), rep.all());
            assertTrue(Files.size(out) > 0);
        }
        Path zip = dir.resolve("evidence.zip");
        CliRun exp = cli("export", okRun, "--out", zip.toString(), "--state-dir", s);
        assertEquals(0, exp.exit(), exp.all());
        cli("docs", runbook.toString());

        List<String> leaks = new ArrayList<>();
        for (String p : printed) {
            if (p.contains(CANARY)) {
                leaks.add("printed by: " + p.lines().findFirst().orElse(""));
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("secret.txt") || f.equals(runbook)) {
                    continue;
                }
                if (f.toString().endsWith(".zip")) {
                    leaks.addAll(zipLeaks(f));
                } else if (Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1).contains(CANARY)) {
                    leaks.add("written to: " + f);
                }
            }
        }
        assertEquals(List.of(), leaks);
        assertFalse(printed.isEmpty());
    }

    private static List<String> zipLeaks(Path zip) throws IOException {
        List<String> out = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (var e : java.util.Collections.list(z.entries())) {
                String text = new String(z.getInputStream(e).readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                if (text.contains(CANARY)) {
                    out.add("in " + zip + "!" + e.getName());
                }
            }
        }
        return out;
    }
}
