package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalVerifier;
import dev.cutover.ssh.testing.SshdHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The product jar against three real OpenSSH sshd hosts on loopback (each its own host key and directory tree),
 * the inventory in an environment file with a known_hosts file: the trust-and-restart part rolled out with a
 * canary (batch 1, canary 1). Success everywhere; the canary failing validation rolls back the canary only (its
 * store byte for byte, read back by keytool) and never touches the others; a closed port fails preflight with
 * nothing changed; an unknown host key is refused before anything changes; the store password given to a remote
 * step never appears on any command line on the host while that step runs.
 */
class FleetSshIT {
    private static final String SECRET = "Fleet-Trust-Pw-5b3e9";
    private static final String RUNBOOK = """
            apiVersion: cutover/v1
            name: fleet-ssh-trust-and-restart
            params:
              store_password: { type: secret, required: true, from: "env:TRUSTSTORE_PASSWORD" }
              ca_bundle:      { type: path, required: true }
            steps:
              - hosts: payment-service
                id: trust-and-restart
                rolling: { canary: 1, batch: 1, max_failed: 0, rollback: all }
                preflight:
                  - id: store-today
                    uses: tls.store-inspect
                    with: { store: "${host.truststore}", password: "${params.store_password}" }
                steps:
                  - id: trust-target-ca
                    uses: tls.store-import
                    with: { store: "${host.truststore}", password: "${params.store_password}",
                            bundle: "${params.ca_bundle}", subject_matches: "RSA2048 G1" }
                  - id: restart-app
                    uses: shell.exec
                    with:
                      command: [sh, -c, 'echo restart >> "$D/restarts"%s']
                      env: { D: "${host.dir}", STORE_PW: "${params.store_password}" }
                    timeout: 2m
                    undo: { uses: shell.exec, with: { command: [sh, -c, 'echo restart-back >> "$D/restarts"'],
                            env: { D: "${host.dir}" } } }
                validate:
                  - id: app-healthy
                    uses: shell.exec
                    with: { command: [sh, -c, 'test ! -e "$D/broken"'], readonly: true, env: { D: "${host.dir}" } }
            """;
    /** While running, the restart step proves it got the secret (its hash) and waits for the test to look. */
    private static final String WAIT_FOR_TEST = "; printf %s \"$STORE_PW\" | sha256sum > \"$D/pw.sha\"; "
            + "touch \"$D/running\"; i=0; while [ ! -e \"$D/go\" ] && [ $i -lt 1200 ]; do sleep 0.05; "
            + "i=$((i+1)); done";

    private static SshdHosts fleet;

    @TempDir
    Path local;
    private final List<Path> dirs = new ArrayList<>();

    @BeforeAll
    static void startHosts() throws Exception {
        fleet = SshdHosts.start(3);
    }

    @AfterAll
    static void stopHosts() {
        if (fleet != null) {
            fleet.close();
        }
    }

    /** Each host gets a fresh directory in its own tree, holding a truststore with the old CA. */
    @BeforeEach
    void hostDirectories(TestInfo info) throws Exception {
        Path old = Keytool.certificate(local, "Old RDS Root", 0, 3650);
        for (int i = 0; i < 3; i++) {
            Path d = Files.createDirectories(fleet.root(i).resolve(info.getTestMethod().orElseThrow().getName()));
            keytool("-importcert", "-noprompt", "-alias", "old-root", "-file", old.toString(), "-keystore",
                    d.resolve("truststore.p12").toString(), "-storetype", "PKCS12", "-storepass", SECRET);
            dirs.add(d);
        }
    }

    private Path bundle() throws IOException {
        return Keytool.certificate(local, "Demo RDS Root CA RSA2048 G1", 0, 3650);
    }

    /** The inventory: three hosts with their ports, the client key and the known_hosts file. */
    private Path environment(Path knownHosts, int closedPortOfHost) throws IOException {
        StringBuilder env = new StringBuilder("inventory:\n  ssh: { forks: 3, known_hosts: \"" + knownHosts
                + "\", connect_timeout: 10s }\n  groups:\n    payment-service: { hosts: [host-1, host-2, host-3] }\n"
                + "  hosts:\n");
        for (int i = 0; i < 3; i++) {
            int port = i == closedPortOfHost ? closedPort() : fleet.host(i).port();
            env.append("    host-").append(i + 1).append(": { address: 127.0.0.1, port: ").append(port)
                    .append(", user: ").append(System.getProperty("user.name")).append(", identity: \"")
                    .append(fleet.clientKey()).append("\", values: { truststore: \"")
                    .append(dirs.get(i).resolve("truststore.p12")).append("\", dir: \"").append(dirs.get(i))
                    .append("\" } }\n");
        }
        Path f = local.resolve("fleet-env.yaml");
        Files.writeString(f, env.toString());
        return f;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Process start(Path env, String runbookText) throws IOException {
        Path rb = local.resolve("fleet.yaml");
        Files.writeString(rb, runbookText);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JarProcessIT.JAR.toString(), "run", rb.toString(), "--env-file", env.toString(), "--yes",
                "--no-color", "--state-dir", local.resolve("state").toString(), "--set", "ca_bundle=" + bundle())
                .redirectErrorStream(true);
        pb.environment().put("TRUSTSTORE_PASSWORD", SECRET);
        return pb.start();
    }

    private static CrashHarnessIT.Proc finish(Process p) throws Exception {
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out.toString());
        return new CrashHarnessIT.Proc(p.exitValue(), out.toString());
    }

    private CrashHarnessIT.Proc run(Path env) throws Exception {
        return finish(start(env, RUNBOOK.formatted("")));
    }

    private List<JournalEvent> journal() throws Exception {
        try (Stream<Path> s = Files.list(local.resolve("state/runs"))) {
            Path j = s.findFirst().orElseThrow().resolve("journal.jsonl");
            var v = JournalVerifier.verify(j);
            assertTrue(v.ok(), "journal chain intact");
            return v.events();
        }
    }

    private byte[] store(int i) throws IOException {
        return Files.readAllBytes(dirs.get(i).resolve("truststore.p12"));
    }

    private List<String> aliases(int i) throws Exception {
        Path copy = local.resolve("copy-" + i + "-" + System.nanoTime() + ".p12");
        Files.write(copy, store(i));
        return keytool("-list", "-keystore", copy.toString(), "-storetype", "PKCS12", "-storepass", SECRET).lines().filter(l -> l.contains(", trustedCertEntry")).map(l -> l.substring(0, l.indexOf(',')))
                .sorted().toList();
    }

    private boolean touched(int i) throws IOException {
        try (Stream<Path> s = Files.list(dirs.get(i))) {
            return !s.map(p -> p.getFileName().toString()).toList().equals(List.of("truststore.p12"));
        }
    }

    /** The JDK's keytool (the stores use the run's secret as their password). */
    private static String keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private Path env() throws IOException {
        return environment(fleet.knownHosts(), -1);
    }

    @Test
    void theCanaryThenEachHostGetsTheNewCaAndARestart() throws Exception {
        CrashHarnessIT.Proc r = finish(startWithPassword(env(), ""));
        assertEquals(0, r.exit(), r.out());
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of("demo rds root ca rsa2048 g1", "old-root"), aliases(i), r.out());
            assertEquals("restart", Files.readString(dirs.get(i).resolve("restarts")).strip());
        }
        assertTrue(r.out().matches("(?s).*\\nhost-1\\s+succeeded.*\\nhost-2\\s+succeeded.*\\nhost-3\\s+succeeded.*"),
                r.out());
        List<JournalEvent> ev = journal();
        List<String> order = ev.stream().filter(e -> e.event().equals("step.succeeded")
                && "trust-target-ca".equals(e.step())).map(JournalEvent::fleetHost).toList();
        assertEquals(List.of("host-1", "host-2", "host-3"), order, "canary first, then one host per batch");
        assertFalse(r.out().contains(SECRET));
    }

    @Test
    void aCanaryFailingValidationIsRolledBackAloneAndTheOthersAreNeverTouched() throws Exception {
        Files.writeString(dirs.get(0).resolve("broken"), "");
        byte[][] before = {store(0), store(1), store(2)};
        CrashHarnessIT.Proc r = finish(startWithPassword(env(), ""));
        assertEquals(1, r.exit(), r.out());
        assertArrayEquals(before[0], store(0), "the canary's store restored byte for byte");
        assertEquals(List.of("old-root"), aliases(0));
        assertEquals(List.of("restart", "restart-back"), Files.readAllLines(dirs.get(0).resolve("restarts")));
        for (int i = 1; i < 3; i++) {
            assertArrayEquals(before[i], store(i));
            assertFalse(touched(i), "host-" + (i + 1) + " has nothing but its store");
        }
        assertTrue(r.out().matches("(?s).*\\nhost-1\\s+rolled back.*\\nhost-2\\s+not reached.*\\nhost-3\\s+not reached.*"),
                r.out());
        List<JournalEvent> ev = journal();
        Set<String> changing = Set.of("step.intent", "step.succeeded", "step.failed", "undo.intent", "undo.succeeded");
        assertTrue(ev.stream().noneMatch(e -> changing.contains(e.event()) && !"preflight".equals(e.section())
                && Set.of("host-2", "host-3").contains(e.fleetHost())), "no change event for the hosts never reached");
        assertTrue(ev.stream().anyMatch(e -> "host-1".equals(e.fleetHost()) && "trust-target-ca".equals(e.step())
                && "undo".equals(e.section())), ev.toString());
    }

    @Test
    void anUnreachableHostFailsPreflightWithNothingChangedAnywhere() throws Exception {
        byte[][] before = {store(0), store(1), store(2)};
        CrashHarnessIT.Proc r = finish(startWithPassword(environment(fleet.knownHosts(), 1), ""));
        assertEquals(3, r.exit(), r.out());
        assertTrue(r.out().contains("host-2"), r.out());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(before[i], store(i));
            assertFalse(touched(i), r.out());
        }
    }

    @Test
    void anUnknownHostKeyIsRefusedBeforeAnythingChanges() throws Exception {
        Path known = local.resolve("known_hosts");
        List<String> lines = Files.readAllLines(fleet.knownHosts());
        Files.write(known, lines.stream().filter(l -> !l.startsWith("[127.0.0.1]:" + fleet.host(2).port() + " "))
                .toList());
        assertEquals(lines.size() - 1, Files.readAllLines(known).size());
        byte[][] before = {store(0), store(1), store(2)};
        CrashHarnessIT.Proc r = finish(startWithPassword(environment(known, -1), ""));
        assertEquals(3, r.exit(), r.out());
        assertTrue(r.out().contains("host-3") && r.out().contains("unknown host key"), r.out());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(before[i], store(i));
            assertFalse(touched(i), r.out());
        }
        assertEquals(lines.size() - 1, Files.readAllLines(known).size(), "nothing accepted into known_hosts");
        assertTrue(journal().stream().anyMatch(e -> e.event().equals("host.unreachable")
                && "host-3".equals(e.fleetHost()) && "unknown".equals(e.dataString("host_key"))));
    }

    @Test
    void theStorePasswordGivenToARemoteStepIsOnNoCommandLineOnTheHostWhileItRuns() throws Exception {
        Process p = startWithPassword(env(), WAIT_FOR_TEST);
        CompletableFuture<CrashHarnessIT.Proc> done = CompletableFuture.supplyAsync(() -> {
            try {
                return finish(p);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path running = dirs.get(0).resolve("running");
        while (!Files.exists(running) && !done.isDone()) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(running), () -> done.join().out());
        // a control: a process here with the secret on its command line, which the scan must find
        Process control = new ProcessBuilder("sh", "-c", "read x", "control", SECRET).start();
        List<String> offending = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path d : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8);
                    scanned++;
                    if (cmd.contains(SECRET)) {
                        offending.add(d + ": " + cmd.replace('\0', ' '));
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        control.destroyForcibly().waitFor();
        Files.writeString(dirs.get(0).resolve("go"), "");
        for (int i = 1; i < 3; i++) {
            Files.writeString(dirs.get(i).resolve("go"), "");
        }
        CrashHarnessIT.Proc r = done.join();
        assertTrue(scanned > 10, "scanned " + scanned);
        assertEquals(List.of("/proc/" + control.pid() + ": sh -c read x control " + SECRET + " "), offending,
                "only the control holds the secret on its command line");
        assertEquals(0, r.exit(), r.out());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(SECRET.getBytes(
                StandardCharsets.UTF_8)));
        assertEquals(sha, Files.readString(dirs.get(0).resolve("pw.sha")).split("\\s+")[0], "the step got it");
    }

    private Process startWithPassword(Path env, String restartTail) throws IOException {
        return start(env, RUNBOOK.formatted(restartTail));
    }
}
