package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    /** A secret with the characters that encodings change: a quote, a backslash, a space, {@code & = / +}. */
    private static final String SPECIAL = "Pa\"ss\\w0rd c4n&ry=91c3/e7+z";

    /** Every form a step prints it in: JSON-escaped, URL-encoded (%20 and +), base64, and cut through by a tail. */
    private static final String FORMS_SCRIPT = """
            T_JSON=$(printf '%s' "$T" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g')
            printf 'raw: %s\\n' "$T"
            printf '{"password": "%s"}\\n' "$T_JSON"
            printf '%s' "$T" | sed -e 's/%/%25/g' -e 's/ /%20/g' -e 's/"/%22/g' -e 's/\\\\/%5C/g' -e 's/&/%26/g' \\
                -e 's/=/%3D/g' -e 's|/|%2F|g' -e 's/+/%2B/g' | sed 's/^/url: /'; echo
            printf '%s' "$T" | sed -e 's/%/%25/g' -e 's/"/%22/g' -e 's/\\\\/%5C/g' -e 's/&/%26/g' \\
                -e 's/=/%3D/g' -e 's|/|%2F|g' -e 's/+/%2B/g' -e 's/ /+/g' | sed 's/^/form: /'; echo
            printf 'b64: %s\\n' "$(printf '%s' "$T" | base64 | tr -d '\\n')"
            printf 'basic: %s\\n' "$(printf 'user:%s' "$T" | base64 | tr -d '\\n')"
            """;

    @Test
    void everyPrintedFormOfASecretIsMaskedEverywhere() throws Exception {
        Path state = dir.resolve("state");
        Path forms = dir.resolve("forms.sh");
        Files.writeString(forms, FORMS_SCRIPT);
        Path runbook = dir.resolve("forms.yaml");
        Files.writeString(runbook, """
                apiVersion: cutover/v1
                name: canary-forms
                params:
                  pw: { type: secret, required: true, from: env:APP_PASSWORD }
                  fail: { type: string, default: "no" }
                preflight:
                  - id: print-forms
                    uses: shell.exec
                    with:
                      readonly: true
                      command: [sh, "%s"]
                      env: { T: "${params.pw}" }
                  - id: cut-tail
                    uses: shell.exec
                    with:
                      readonly: true
                      command: [sh, -c, 'printf "%%s" "$T"; head -c 16376 /dev/zero | tr "\\0" x']
                      env: { T: "${params.pw}" }
                steps:
                  - id: change
                    uses: shell.exec
                    with:
                      command: [sh, "%s"]
                      env: { T: "${params.pw}" }
                    undo:
                      uses: shell.exec
                      with: { command: [sh, "%s"], env: { T: "${params.pw}" } }
                validate:
                  - id: check
                    uses: shell.exec
                    revalidate: true
                    with:
                      readonly: true
                      command: [sh, -c, 'test "$F" != yes || { printf "%%0295d" 0 | tr 0 x >&2; printf "%%s\\n" "$T" >&2; exit 3; }']
                      env: { T: "${params.pw}", F: "${params.fail}" }
                """.formatted(forms, forms, forms));
        String s = state.toString();
        CliRun ok = formsCli("run", runbook.toString(), "--yes", "--state-dir", s, "--output", "json");
        assertEquals(0, ok.exit(), ok.all());
        String okRun = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok.out()).get("run_id").asText();
        String journal = Files.readString(state.resolve("runs").resolve(okRun).resolve("journal.jsonl"));
        assertTrue(journal.contains("[8 bytes cut]") || journal.contains("bytes cut]***"), "the tail was cut");
        assertTrue(journal.contains("{\\\"password\\\": \\\"***\\\"}"), "the JSON form was printed and masked");
        CliRun failed = formsCli("run", runbook.toString(), "--yes", "--state-dir", s, "--set", "fail=yes", "--verbose");
        assertEquals(4, failed.exit(), failed.all()); // the failing check is re-run as a health check
        assertTrue(failed.all().contains("x***..."), "the failure's last line was cut through the secret: "
                + failed.all());
        for (String run : List.of(okRun)) {
            for (String format : List.of("md", "html", "json")) {
                Path out = dir.resolve(run + "-report." + format);
                CliRun rep = formsCli("report", run, "--format", format, "--out", out.toString(), "--state-dir", s);
                assertEquals(0, rep.exit(), rep.all());
            }
            CliRun exp = formsCli("export", run, "--out", dir.resolve(run + ".zip").toString(), "--state-dir", s);
            assertEquals(0, exp.exit(), exp.all());
        }
        CliRun runs = formsCli("runs", "--state-dir", s);
        assertEquals(0, runs.exit(), runs.all());

        List<String> forbidden = forbiddenForms();
        List<String> leaks = new ArrayList<>();
        for (String p : printed) {
            forbidden.stream().filter(p::contains).forEach(f -> leaks.add("'" + f + "' printed by: "
                    + p.lines().findFirst().orElse("")));
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.equals(runbook) || f.equals(forms)) {
                    continue;
                }
                if (f.toString().endsWith(".zip")) {
                    try (ZipFile z = new ZipFile(f.toFile())) {
                        for (var e : java.util.Collections.list(z.entries())) {
                            String text = new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
                            forbidden.stream().filter(text::contains).forEach(x -> leaks.add("'" + x + "' in " + f
                                    + "!" + e.getName()));
                        }
                    }
                } else {
                    String text = Files.readString(f, StandardCharsets.UTF_8);
                    forbidden.stream().filter(text::contains).forEach(x -> leaks.add("'" + x + "' in " + f));
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private CliRun formsCli(String... args) {
        CliRun r = CliRun.withEnv(Map.of("APP_PASSWORD", SPECIAL), args);
        printed.add(String.join(" ", args) + "\n" + r.all());
        return r;
    }

    /** The secret's encoded forms, and every piece of it of six characters or more. */
    private static List<String> forbiddenForms() throws IOException {
        List<String> out = new ArrayList<>();
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(SPECIAL);
        out.add(json.substring(1, json.length() - 1));
        String plus = java.net.URLEncoder.encode(SPECIAL, StandardCharsets.UTF_8);
        out.add(plus);
        out.add(plus.replace("+", "%20"));
        out.add(java.util.Base64.getEncoder().encodeToString(SPECIAL.getBytes(StandardCharsets.UTF_8)));
        String basic = java.util.Base64.getEncoder().encodeToString(("user:" + SPECIAL).getBytes(StandardCharsets.UTF_8));
        out.add(basic.substring(8, basic.length() - 4));
        for (int i = 0; i + 6 <= SPECIAL.length(); i++) {
            String piece = SPECIAL.substring(i, i + 6);
            String jsonPiece = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(piece);
            out.add(piece);
            out.add(jsonPiece.substring(1, jsonPiece.length() - 1)); // as the journal and report.json store it
            out.add(piece.replace("&", "&amp;").replace("\"", "&quot;")); // as report.html shows it
        }
        return out.stream().distinct().toList();
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
