package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real JVM started with its store passwords on the command line, as WebSphere and Tomcat set-ups do:
 * process.info records its argv, and neither the journal, the reports, the export nor the drift
 * baseline that users commit may hold the passwords, whether or not they are this run's secrets.
 */
class ProcessInfoMaskingTest {
    private static final String TRUST_PW = "trust-pw-0c9d2e";
    private static final String KEY_PW = "key-pw-5b7a13";
    private static final String CLI_PW = "cli-pw-e4f8a2";
    private static final String RUN_SECRET = "run-secret-71c0d9";

    @TempDir
    Path dir;

    @Test
    void theServicesPasswordsStayOutOfEveryRecord() throws Exception {
        Path app = Files.writeString(dir.resolve("Sleeper.java"),
                "public class Sleeper { public static void main(String[] a) throws Exception { Thread.sleep(120_000); } }");
        Path store = dir.resolve("truststore.p12");
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djavax.net.ssl.trustStore=" + store, "-Djavax.net.ssl.trustStorePassword=" + TRUST_PW,
                "-Djavax.net.ssl.keyStorePassword=" + KEY_PW, "-Dapp.store.pin=" + RUN_SECRET, app.toString(),
                "--password", CLI_PW, "--db", "postgres://app:" + CLI_PW + "@db/pay").redirectErrorStream(true)
                .redirectOutput(dir.resolve("sleeper.log").toFile()).start();
        try {
            Path pidFile = Files.writeString(dir.resolve("app.pid"), String.valueOf(jvm.pid()));
            Path rb = Files.writeString(dir.resolve("info.yaml"), """
                    apiVersion: cutover/v1
                    name: info
                    params:
                      pid_file: { type: path, required: true }
                      pin: { type: secret, from: env:APP_PIN }
                    preflight:
                      - id: app-info
                        uses: process.info
                        fact: true
                        with: { name: app, pid_file: "${params.pid_file}" }
                    steps:
                      - id: nothing
                        uses: shell.exec
                        with: { command: [true], env: { P: "${params.pin}" } }
                        no_undo: "test"
                    """);
            Files.createDirectories(dir.resolve("environments"));
            Files.writeString(dir.resolve("environments/prod.yaml"), "pid_file: " + pidFile + "\n");
            Map<String, String> env = Map.of("APP_PIN", RUN_SECRET);
            String s = dir.resolve("state").toString();
            List<String> printed = new ArrayList<>();
            CliRun run = CliRun.withEnv(env, "run", rb.toString(), "--env", "prod", "--yes", "--state-dir", s,
                    "--output", "json");
            printed.add(run.all());
            assertEquals(0, run.exit(), run.all());
            String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out()).get("run_id").asText();
            String journal = Files.readString(dir.resolve("state/runs").resolve(id).resolve("journal.jsonl"));
            assertTrue(journal.contains("-Djavax.net.ssl.trustStorePassword=***"), "argv recorded, masked: " + journal);
            assertTrue(journal.contains("-Djavax.net.ssl.trustStore=" + store), "the rest kept: " + journal);
            for (String format : List.of("md", "html", "json")) {
                CliRun rep = CliRun.withEnv(env, "report", id, "--format", format, "--out",
                        dir.resolve("report." + format).toString(), "--state-dir", s);
                assertEquals(0, rep.exit(), rep.all());
            }
            CliRun exp = CliRun.withEnv(env, "export", id, "--out", dir.resolve("e.zip").toString(), "--state-dir", s);
            assertEquals(0, exp.exit(), exp.all());
            Path baseline = dir.resolve("prod.baseline.yaml");
            CliRun save = CliRun.withEnv(env, "drift", rb.toString(), "--env", "prod", "--baseline", baseline.toString(),
                    "--save", "--state-dir", s);
            printed.add(save.all());
            assertEquals(0, save.exit(), save.all());
            assertTrue(Files.readString(baseline).contains("trustStorePassword=***"), Files.readString(baseline));
            CliRun compare = CliRun.withEnv(env, "drift", rb.toString(), "--env", "prod", "--baseline",
                    baseline.toString(), "--state-dir", s);
            printed.add(compare.all());
            assertEquals(0, compare.exit(), "the masked baseline matches the live facts: " + compare.all());

            List<String> leaks = new ArrayList<>();
            for (String p : printed) {
                for (String pw : List.of(TRUST_PW, KEY_PW, CLI_PW, RUN_SECRET)) {
                    if (p.contains(pw)) {
                        leaks.add(pw + " printed");
                    }
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    List<String> texts = new ArrayList<>();
                    if (f.toString().endsWith(".zip")) {
                        try (ZipFile z = new ZipFile(f.toFile())) {
                            for (var e : java.util.Collections.list(z.entries())) {
                                texts.add(new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8));
                            }
                        }
                    } else if (!f.getFileName().toString().equals("sleeper.log")) {
                        texts.add(Files.readString(f, StandardCharsets.ISO_8859_1));
                    }
                    for (String t : texts) {
                        for (String pw : List.of(TRUST_PW, KEY_PW, CLI_PW, RUN_SECRET)) {
                            if (t.contains(pw)) {
                                leaks.add(pw + " in " + f);
                            }
                        }
                    }
                }
            }
            assertEquals(List.of(), leaks);
        } finally {
            jvm.destroyForcibly();
            jvm.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
