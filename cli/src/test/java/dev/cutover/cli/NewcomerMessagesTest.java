package dev.cutover.cli;

import dev.cutover.spi.ErrorText;
import dev.cutover.spi.ShellWords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a newcomer sees while writing a first runbook: every message says what is wrong in words, where,
 * and only what works; the console shows resolved values and commands that can be pasted.
 */
class NewcomerMessagesTest {
    /** A Java exception or error class name, qualified or not. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[A-Z][A-Za-z]*(Exception|Error)\\b|java\\.[a-z]+\\.");

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    private String state() {
        return dir.resolve("state").toString();
    }

    // ---- YAML errors ----

    @Test
    void anUnquotedReferenceInsideBracesSaysToQuoteItAtItsPosition() throws IOException {
        Path rb = write("flow.yaml", """
                apiVersion: cutover/v1
                name: flow
                params:
                  bundle: { type: path, default: /tmp/b.pem }
                preflight:
                  - id: inspect
                    uses: tls.bundle-inspect
                    with: { bundle: ${params.bundle}, subject_matches: "G1" }
                steps: []
                """);
        CliRun r = CliRun.of("validate", rb.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains(rb + ":8:21: an unquoted ${params.bundle} inside { } or [ ]"), r.err());
        assertTrue(r.err().contains("quote it: \"${params.bundle}\""), r.err());
        assertFalse(r.err().contains("while parsing"), "no parser jargon: " + r.err());
    }

    @Test
    void aTabSaysTabsAreNotAllowedThere() throws IOException {
        Path rb = write("tab.yaml", "apiVersion: cutover/v1\nname: tab\nsteps:\n  - id: a\n\tuses: shell.exec\n");
        CliRun r = CliRun.of("validate", rb.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains(rb + ":5:1: a tab character here: tabs are not allowed"), r.err());
        assertTrue(r.err().contains("replace the tab with spaces"), r.err());
        assertFalse(r.err().contains("token"), "no parser jargon: " + r.err());
    }

    // ---- validate ----

    @Test
    void aLiteralUrlWithoutASchemeFailsValidate() throws IOException {
        Path rb = write("url.yaml", """
                apiVersion: cutover/v1
                name: url
                steps: []
                validate:
                  - id: healthy
                    uses: http.check
                    with: { url: "localhost:8080/health", expect_status: 200 }
                """);
        CliRun r = CliRun.of("validate", rb.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains(rb + ":7:18: step 'healthy': input 'url': 'localhost:8080/health' has no scheme"),
                r.err());
        assertTrue(r.err().contains("http://localhost:8080/health"), r.err());
    }

    @Test
    void aValueOutsideAnInputsAllowedValuesSuggestsTheNearestOne() throws IOException {
        Path rb = write("enum.yaml", """
                apiVersion: cutover/v1
                name: enum
                preflight:
                  - id: version
                    uses: shell.exec
                    with: { command: [echo, "{}"], readonly: true, parse: jsn }
                steps: []
                """);
        CliRun r = CliRun.of("validate", rb.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("input 'parse': 'jsn' is not one of text, json -> did you mean 'json'?"), r.err());
    }

    @Test
    void envTogetherWithEnvFileIsAnError() throws IOException {
        Path rb = write("rb.yaml", "apiVersion: cutover/v1\nname: rb\nsteps: []\n");
        Path env = write("environments/local.yaml", "{}\n");
        CliRun r = CliRun.of("validate", rb.toString(), "--env", "local", "--env-file", env.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("--env and --env-file were both given"), r.err());
    }

    // ---- secrets ----

    @Test
    void theMissingSecretHintSuggestsOnlyWaysThatWorkForSecrets() throws IOException {
        Path rb = write("secret.yaml", """
                apiVersion: cutover/v1
                name: secret
                params:
                  store_password: { type: secret, required: true }
                steps: []
                """);
        CliRun r = CliRun.of("validate", rb.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("required secret param 'store_password' has no value"), r.err());
        assertTrue(r.err().contains("'from: env:NAME' or 'from: file:PATH'"), r.err());
        for (String unusable : List.of("--set", "default")) {
            assertFalse(r.err().contains(unusable), "'" + unusable + "' does not work for a secret: " + r.err());
        }
    }

    @Test
    void anUnsetSecretVariableSaysToExportIt() throws IOException {
        Path rb = write("secret.yaml", """
                apiVersion: cutover/v1
                name: secret
                params:
                  store_password: { type: secret, required: true, from: env:CUTOVER_TEST_UNSET_PW }
                steps: []
                """);
        CliRun r = CliRun.of("plan", rb.toString(), "--state-dir", state());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("environment variable CUTOVER_TEST_UNSET_PW is not set"), r.err());
        assertTrue(r.err().contains("export CUTOVER_TEST_UNSET_PW before running"), r.err());
        assertFalse(r.err().contains("--set"), r.err());
    }

    // ---- no class names ----

    @Test
    void noJavaClassNamesWhenFilesCannotBeRead() throws IOException {
        Path rb = write("rb.yaml", "apiVersion: cutover/v1\nname: rb\nparams:\n  x: { type: string }\nsteps: []\n");
        Path adir = Files.createDirectories(dir.resolve("a-directory"));
        List<CliRun> runs = List.of(
                CliRun.of("validate", adir.toString()),
                CliRun.of("validate", dir.resolve("missing.yaml").toString()),
                CliRun.of("validate", rb.toString(), "--env-file", adir.toString()),
                CliRun.of("validate", rb.toString(), "--env-file", dir.resolve("missing-env.yaml").toString()));
        for (CliRun r : runs) {
            assertEquals(2, r.exit(), r.all());
            assertFalse(CLASS_NAME.matcher(r.all()).find(), "a Java class name in: " + r.all());
        }
    }

    @Test
    void errorTextNamesWhatWentWrongNotTheClass() {
        assertEquals("no such file or directory: /x", ErrorText.of(new NoSuchFileException("/x")));
        assertEquals("permission denied: /y", ErrorText.of(new AccessDeniedException("/y")));
        assertEquals("boom", ErrorText.of(new IllegalStateException("java.io.IOException: boom")));
        assertEquals("unexpected error", ErrorText.of(new NullPointerException()));
        assertEquals("no such file or directory: /z", ErrorText.of(new RuntimeException(new NoSuchFileException("/z"))));
        assertFalse(CLASS_NAME.matcher(ErrorText.of(new IOException(new IllegalArgumentException()))).find());
    }

    // ---- the console ----

    @Test
    void shellWordsGiveAShellTheSameArgv() throws Exception {
        List<String> argv = List.of("plain", "two words", "it's", "$HOME", "a\"b", "back\\slash", "", "!x", "*",
                "deploying <stdout of step 'make-version'>", "new\nline");
        assertEquals("plain 'two words' \"it's\" '$HOME'", ShellWords.join(argv.subList(0, 4)));
        Process p = new ProcessBuilder("sh", "-c", "printf '[%s]' " + ShellWords.join(argv)).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        assertEquals(String.join("", argv.stream().map(a -> "[" + a + "]").toList()), out);
    }

    private Path configChange() throws IOException {
        return write("change.yaml", """
                apiVersion: cutover/v1
                name: change
                params:
                  dir: { type: path, required: true }
                  mode: { type: string, default: local }
                steps:
                  - id: aws-only
                    uses: shell.exec
                    when: "params.mode == 'aws'"
                    with: { command: [touch, "${params.dir}/aws"] }
                    no_undo: "test"
                  - id: write
                    uses: shell.exec
                    with: { command: [sh, -c, 'echo "v 2" > "$D/app.conf"'], env: { D: "${params.dir}" } }
                    undo: { uses: shell.exec, with: { command: [cp, "${params.dir}/app conf.bak", "${params.dir}/app.conf"] } }
                validate:
                  - id: healthy
                    uses: shell.exec
                    with: { command: [grep, -q, "version=2", "${params.dir}/app.conf"], readonly: true }
                """);
    }

    @Test
    void planPrintsShellQuotedCommandsThatCanBePasted() throws IOException {
        Path app = Files.createDirectories(dir.resolve("my app"));
        CliRun r = CliRun.of("plan", configChange().toString(), "--set", "dir=" + app, "--state-dir", state(),
                "--no-color");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("$ sh -c 'echo \"v 2\" > \"$D/app.conf\"'"), r.out());
        assertTrue(r.out().contains("env D=" + ShellWords.quote(app.toString())), r.out());
        assertTrue(r.out().contains("would skip: condition false: params.mode == 'aws'"), r.out());
    }

    @Test
    void skipUndoAndManualActionsShowWhatHappenedWithResolvedValues() throws IOException {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("app conf.bak"), "version=1\n");
        CliRun r = CliRun.of("run", configChange().toString(), "--set", "dir=" + app, "--state-dir", state(), "--yes",
                "--no-color");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().matches("(?s).*\\[skip] aws-only .*condition false: params.mode == 'aws'.*"), r.out());
        assertTrue(r.out().matches("(?s).*\nundo\n  \\[undo] write .*"), "a runbook-written undo shows as [undo]: "
                + r.out());
        assertEquals("version=1\n", Files.readString(app.resolve("app.conf")));

        Files.delete(app.resolve("app conf.bak"));
        CliRun failed = CliRun.of("run", configChange().toString(), "--set", "dir=" + app, "--state-dir", state(),
                "--yes", "--no-color");
        assertEquals(4, failed.exit(), failed.all());
        assertTrue(failed.out().contains("[UNDO FAILED] write"), failed.out());
        assertTrue(failed.out().contains("restore it by hand: run: cp " + ShellWords.quote(app + "/app conf.bak") + " "
                + app + "/app.conf"), failed.out());
        assertFalse(failed.out().contains("${params"), "manual actions print resolved values: " + failed.out());
    }

    // ---- shared environment files ----

    @Test
    void anEnvironmentFileServesSeveralRunbooksButATypoStillFails() throws IOException {
        Path rb = write("rb.yaml", """
                apiVersion: cutover/v1
                name: rb
                params:
                  truststore: { type: path, required: true }
                steps: []
                """);
        Path shared = write("environments/shared.yaml", """
                truststore: /opt/app/truststore.p12
                db_instance: payments-db
                app_health_url: http://localhost:8080/health
                """);
        CliRun ok = CliRun.of("validate", rb.toString(), "--env", "shared");
        assertEquals(0, ok.exit(), ok.all());
        assertFalse(ok.err().contains("db_instance"), "listed only with --verbose: " + ok.err());
        CliRun verbose = CliRun.of("validate", rb.toString(), "--env", "shared", "--verbose");
        assertEquals(0, verbose.exit(), verbose.all());
        assertTrue(verbose.err().contains(shared + ": ignored 2 value(s) that rb does not declare: db_instance, "
                + "app_health_url"), verbose.err());

        write("environments/typo.yaml", "trustore: /opt/app/truststore.p12\n");
        CliRun typo = CliRun.of("validate", rb.toString(), "--env", "typo");
        assertEquals(2, typo.exit(), typo.all());
        assertTrue(typo.err().contains("typo.yaml:1:1: the runbook declares no param 'trustore' -> did you mean "
                + "'truststore'?"), typo.err());
    }

    // ---- what ran is kept ----

    @Test
    void theRunDirectoryKeepsTheRunbookAndEnvironmentAsRunAndVerifyChecksThem() throws IOException {
        Path rb = write("kept.yaml", """
                apiVersion: cutover/v1
                name: kept
                params:
                  dir: { type: path, required: true }
                  password: { type: secret, required: true }
                steps:
                  - id: note
                    uses: shell.exec
                    with: { command: [sh, -c, 'echo ran > "$D/ran"'], env: { D: "${params.dir}", PW: "${params.password}" } }
                    no_undo: "test"
                """);
        byte[] asRun = Files.readAllBytes(rb);
        Path app = Files.createDirectories(dir.resolve("app"));
        Path env = write("env/kept.yaml", "dir: " + app + "\npassword: env:KEPT_PW\nleftover: s3cret-kept-value\n");
        CliRun r = CliRun.withEnv(Map.of("KEPT_PW", "s3cret-kept-value"), "run", rb.toString(), "--env-file",
                env.toString(), "--state-dir", state(), "--yes", "--output", "json");
        assertEquals(0, r.exit(), r.all());
        Path runDir;
        try (var s = Files.list(dir.resolve("state/runs"))) {
            runDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertEquals(new String(asRun), Files.readString(runDir.resolve("runbook.yaml")));
        String envCopy = Files.readString(runDir.resolve("environment.yaml"));
        assertTrue(envCopy.contains("password: env:KEPT_PW"), "a secret reference stays a reference: " + envCopy);
        assertFalse(envCopy.contains("s3cret-kept-value"), "no secret value in the copy: " + envCopy);

        Files.writeString(rb, "# edited after the run\n", java.nio.file.StandardOpenOption.APPEND);
        Path zip = dir.resolve("evidence.zip");
        CliRun export = CliRun.of("export", runDir.toString(), "--out", zip.toString());
        assertEquals(0, export.exit(), export.all());
        try (var z = new java.util.zip.ZipFile(zip.toFile())) {
            var entry = z.stream().filter(e -> e.getName().endsWith("/run/runbook.yaml")).findFirst().orElseThrow();
            assertEquals(new String(asRun), new String(z.getInputStream(entry).readAllBytes()),
                    "the export shows what ran even after the file changed");
            assertTrue(z.stream().anyMatch(e -> e.getName().endsWith("/run/environment.yaml")));
        }

        CliRun verify = CliRun.of("verify", runDir.toString());
        assertEquals(0, verify.exit(), verify.all());
        assertTrue(verify.out().contains("runbook.yaml and environment.yaml beside the journal are what ran"),
                verify.out());
        Files.writeString(runDir.resolve("runbook.yaml"), "# forged\n", java.nio.file.StandardOpenOption.APPEND);
        CliRun tampered = CliRun.of("verify", runDir.toString());
        assertEquals(1, tampered.exit(), tampered.all());
        assertTrue(tampered.all().contains("runbook.yaml, the copy of the runbook as run, was changed after the run"),
                tampered.all());
    }
}
