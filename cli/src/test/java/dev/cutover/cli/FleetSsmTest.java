package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.aws.FakeAwsServer;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fleet run through the CLI whose hosts are {@code transport: ssm}: the real SSM connector and the real AWS
 * SDK against the fake SSM on WireMock, which runs each AWS-RunShellScript it is sent with /bin/sh here (so
 * every "instance" works in its own directory of this machine, named by a per-host value).
 */
class FleetSsmTest {
    private static final Map<String, String> INSTANCES = Map.of("pay-1", "i-0aaaaaaaaaaaaaaa1", "pay-2",
            "i-0aaaaaaaaaaaaaaa2");
    private static FakeAwsServer aws;
    private static final List<String> PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey");
    private static final List<String> saved = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startFakeAws() {
        aws = FakeAwsServer.start();
        // the SDK's default chain reads system properties first: the fake checks this key's SigV4 signature
        for (String p : PROPERTIES) {
            saved.add(System.getProperty(p));
        }
        System.setProperty("aws.accessKeyId", FakeAwsServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", FakeAwsServer.SECRET_KEY);
    }

    @AfterAll
    static void stopFakeAws() {
        aws.close();
        for (int i = 0; i < PROPERTIES.size(); i++) {
            if (saved.get(i) == null) {
                System.clearProperty(PROPERTIES.get(i));
            } else {
                System.setProperty(PROPERTIES.get(i), saved.get(i));
            }
        }
    }

    @BeforeEach
    void fresh() {
        aws.reset();
        aws.ssm.runScripts = true;
    }

    /** Per host: write the config (undo: put v1 back), restart; validation fails where "broken" exists. */
    private static String runbook(String rolling, String extraStep) {
        String args = ", \"${host.name}\", \"${params.trace}\", \"${host.dir}\"]";
        return "apiVersion: cutover/v1\nname: fleet-ssm\nparams:\n  trace: { type: path, required: true }\n"
                + "steps:\n"
                + "  - hosts: payments\n    id: roll\n    rolling: " + rolling + "\n"
                + "    preflight:\n"
                + "      - id: dir-exists\n        uses: shell.exec\n"
                + "        with: { command: [test, -d, \"${host.dir}\"], readonly: true }\n"
                + "    steps:\n"
                + "      - id: write-config\n        uses: shell.exec\n"
                + "        with: { command: [sh, -c, 'echo \"$0 write\" >> \"$1\"; echo v2 > \"$2/app.conf\"'" + args
                + " }\n"
                + "        undo: { uses: shell.exec, with: { command: [sh, -c, 'echo \"$0 undo-write\" >> \"$1\"; "
                + "echo v1 > \"$2/app.conf\"'" + args + " } }\n"
                + extraStep
                + "    validate:\n"
                + "      - id: healthy\n        uses: shell.exec\n"
                + "        with: { command: [sh, -c, 'echo \"$0 check\" >> \"$1\"; test ! -e \"$2/broken\"'" + args
                + ", readonly: true }\n";
    }

    private Path environment() throws Exception {
        StringBuilder env = new StringBuilder("inventory:\n  ssm: { region: us-east-1, endpoint: \"" + aws.endpoint()
                + "\" }\n  groups:\n    payments: { hosts: [pay-1, pay-2], transport: ssm }\n  hosts:\n");
        for (String h : List.of("pay-1", "pay-2")) {
            Path d = Files.createDirectories(dir.resolve(h));
            Files.writeString(d.resolve("app.conf"), "v1\n");
            env.append("    ").append(h).append(": { address: ").append(INSTANCES.get(h)).append(", values: { dir: \"")
                    .append(d).append("\" } }\n");
        }
        Path f = dir.resolve("env.yaml");
        Files.writeString(f, env.toString());
        return f;
    }

    private CliRun run(String rolling, String extraStep) throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, runbook(rolling, extraStep));
        return CliRun.of("run", rb.toString(), "--env-file", environment().toString(), "--yes", "--no-color",
                "--state-dir", dir.resolve("state").toString(), "--set", "trace=" + dir.resolve("trace.log"));
    }

    private List<String> trace() throws Exception {
        Path t = dir.resolve("trace.log");
        return Files.exists(t) ? Files.readAllLines(t) : List.of();
    }

    private String conf(String host) throws Exception {
        return Files.readString(dir.resolve(host).resolve("app.conf")).strip();
    }

    private List<JournalEvent> journal() throws Exception {
        try (var s = Files.list(dir.resolve("state/runs"))) {
            Path last = s.sorted().reduce((a, b) -> b).orElseThrow();
            return JournalReader.read(last.resolve("journal.jsonl")).events();
        }
    }

    /** The instance each SendCommand went to, in order. */
    private static List<String> sentTo() {
        List<String> out = new ArrayList<>();
        synchronized (aws.ssm.sent) {
            for (JsonNode n : aws.ssm.sent) {
                assertEquals(1, n.path("InstanceIds").size(), n.toString());
                assertEquals("AWS-RunShellScript", n.path("DocumentName").asText());
                out.add(n.path("InstanceIds").get(0).asText());
            }
        }
        return out;
    }

    @Test
    void canaryThenBatchOverSsmWithTheHostInEveryJournalEvent() throws Exception {
        CliRun r = run("{ batch: 1, canary: 1 }", "");

        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("pay-1 write", "pay-1 check", "pay-2 write", "pay-2 check"), trace());
        assertEquals("v2", conf("pay-1"));
        assertEquals("v2", conf("pay-2"));
        assertTrue(r.out().contains("roll: batch 1/2 (canary): pay-1"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  \\[pay-2\\] write-config ok \\d+ms.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\nhost\\s+state\\s+detail\\n(pay-\\d\\s+succeeded\\s*\\n){2}.*"), r.out());
        // preflight on both, then the canary's change and check, then the batch's
        List<String> a = List.of(INSTANCES.get("pay-1")), b = List.of(INSTANCES.get("pay-2"));
        List<String> sent = sentTo();
        assertEquals(6, sent.size(), sent.toString());
        assertEquals(Set.of(INSTANCES.get("pay-1"), INSTANCES.get("pay-2")), Set.copyOf(sent.subList(0, 2)));
        assertEquals(List.of(a.get(0), a.get(0), b.get(0), b.get(0)), sent.subList(2, 6));
        boolean sawConnected = false;
        for (JournalEvent e : journal()) {
            if (e.step() != null && Set.of("dir-exists", "write-config", "healthy").contains(e.step())) {
                assertTrue(e.data().get("host") instanceof String h && INSTANCES.containsKey(h), e.toLine());
            }
            if (e.event().equals("host.connected")) {
                sawConnected = true;
                assertEquals("ssm", e.data().get("transport"), e.toLine());
                assertTrue(INSTANCES.containsValue(String.valueOf(e.data().get("address"))), e.toLine());
            }
        }
        assertTrue(sawConnected);
    }

    @Test
    void theHostThatFailsValidationIsRolledBackOverSsm() throws Exception {
        Files.createDirectories(dir.resolve("pay-2"));
        Files.writeString(dir.resolve("pay-2").resolve("broken"), "");

        CliRun r = run("{ batch: 1, canary: 1, rollback: failed-batch }", "");

        assertEquals(1, r.exit(), r.all());
        assertEquals(List.of("pay-1 write", "pay-1 check", "pay-2 write", "pay-2 check", "pay-2 undo-write"), trace());
        assertEquals("v2", conf("pay-1"));
        assertEquals("v1", conf("pay-2"));
        assertTrue(r.out().contains("[pay-2] write-config undone"), r.out());
        assertTrue(r.out().matches("(?s).*\\npay-1\\s+succeeded.*\\npay-2\\s+rolled back.*"), r.out());
        assertEquals(INSTANCES.get("pay-2"), sentTo().get(sentTo().size() - 1), "the undo ran on pay-2's instance");
        assertTrue(journal().stream().anyMatch(e -> "write-config".equals(e.step()) && e.event().startsWith("undo")
                && "pay-2".equals(e.data().get("host"))), "the undo is journaled with its host");
    }

    @Test
    void anOfflineInstanceFailsPreflightAndNoCommandIsSentAnywhere() throws Exception {
        aws.ssm.pingStatus.put(INSTANCES.get("pay-2"), "ConnectionLost");

        CliRun r = run("{ batch: 1, canary: 1 }", "");

        assertEquals(3, r.exit(), r.all());
        assertTrue(r.out().contains("PREFLIGHT_FAILED (exit 3)"), r.out());
        assertTrue(r.out().contains("instance " + INSTANCES.get("pay-2") + " is ConnectionLost in SSM"), r.out());
        assertTrue(r.out().contains("nothing was changed on any host"), r.out());
        assertTrue(aws.ssm.sent.isEmpty(), aws.operations().toString());
        assertFalse(aws.operations().contains("SendCommand"), aws.operations().toString());
        assertEquals(List.of(), trace());
        assertEquals("v1", conf("pay-1"));
    }

    @Test
    void aStepThatWouldHandASecretToSsmFailsBeforeSendingAndIsRolledBack() throws Exception {
        String secretStep = "      - id: with-secret\n        uses: shell.exec\n"
                + "        with: { command: [sh, -c, 'echo \"$TOKEN\" > \"$0/token\"', \"${host.dir}\"], "
                + "env: { TOKEN: not-for-cloudtrail } }\n"
                + "        no_undo: \"writes a scratch file\"\n";

        CliRun r = run("{ batch: 1, canary: 1 }", secretStep);

        assertEquals(1, r.exit(), r.all());
        assertTrue(r.all().contains("SSM keeps every command's parameters in its history"), r.all());
        assertEquals(List.of("pay-1 write", "pay-1 undo-write"), trace());
        assertEquals("v1", conf("pay-1"));
        assertFalse(Files.exists(dir.resolve("pay-1").resolve("token")));
        synchronized (aws.ssm.sent) {
            assertFalse(aws.ssm.sent.toString().contains("not-for-cloudtrail"), aws.ssm.sent.toString());
        }
    }

    @Test
    void aFileStepOnSsmHostsIsRefusedBeforeAnythingRunsAnywhere() throws Exception {
        String fileStep = "      - id: write-properties\n        uses: file.write\n"
                + "        with: { path: \"${host.dir}/app.properties\", content: \"tls=on\\n\" }\n";

        CliRun r = run("{ batch: 1, canary: 1 }", fileStep);

        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().matches("(?s).*fleet\\.yaml:\\d+:\\d+: step 'write-properties': 'file\\.write' reads and "
                + "writes files on the host, and pay-1 \\(ssm\\), pay-2 \\(ssm\\) are reached by a transport that runs "
                + "commands only.*"), r.err());
        assertTrue(r.err().contains("nothing was run"), r.err());
        assertTrue(aws.operations().isEmpty(), aws.operations().toString());
        assertEquals(List.of(), trace());
        assertFalse(Files.exists(dir.resolve("pay-1").resolve("app.properties")));
    }

    @Test
    void validateNamesAnSsmHostWhoseAddressIsNoInstanceIdWithItsLine() throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, runbook("{ batch: 1 }", ""));
        Path env = environment();
        Files.writeString(env, Files.readString(env).replace(INSTANCES.get("pay-2"), "pay-2.internal"));

        CliRun ok = CliRun.of("validate", rb.toString(), "--env-file", dir.resolve("env.yaml").toString(), "--set",
                "trace=/tmp/x");

        assertEquals(2, ok.exit(), ok.all());
        assertTrue(ok.err().matches("(?s).*" + java.util.regex.Pattern.quote(env.toString()) + ":\\d+:\\d+: host 'pay-2' "
                + "uses transport ssm, so its address must be a managed instance id, got 'pay-2.internal'.*"), ok.err());
        assertTrue(aws.operations().isEmpty());
    }

    @Test
    void aLaterRollbackReachesTheInstancesThroughTheRecordedSsmSettings() throws Exception {
        CliRun r = run("{ batch: 1, canary: 1 }", "");
        assertEquals(0, r.exit(), r.all());
        String runId = journal().get(0).run();
        Files.delete(dir.resolve("trace.log"));
        // the environment file is gone: the run's own record must carry region and endpoint
        Files.delete(dir.resolve("env.yaml"));
        aws.reset();
        aws.ssm.runScripts = true;

        CliRun back = CliRun.of("rollback", runId, "--runbook", dir.resolve("fleet.yaml").toString(), "--reason",
                "test", "--yes", "--no-color", "--state-dir", dir.resolve("state").toString());

        assertEquals(1, back.exit(), back.all());
        assertEquals(List.of("pay-2 undo-write", "pay-1 undo-write"), trace());
        assertEquals("v1", conf("pay-1"));
        assertEquals("v1", conf("pay-2"));
        List<String> undoneOn = new ArrayList<>();
        synchronized (aws.ssm.sent) {
            aws.ssm.sent.stream().filter(n -> n.path("Parameters").path("commands").toString().contains("undo-write"))
                    .forEach(n -> undoneOn.add(n.path("InstanceIds").get(0).asText()));
        }
        assertEquals(List.of(INSTANCES.get("pay-2"), INSTANCES.get("pay-1")), undoneOn);
    }

    @Test
    void theSsmSectionIsCheckedWithFileLineAndColumn() throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, runbook("{ batch: 1 }", ""));
        Path env = environment();
        Files.writeString(env, Files.readString(env).replace("ssm: { region: us-east-1,",
                "ssm: { region: Ireland, profil: ops,"));

        CliRun r = CliRun.of("validate", rb.toString(), "--env-file", env.toString(), "--set", "trace=/tmp/x");

        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains(env + ":2:18: region 'Ireland' is not an AWS region"), r.err());
        assertTrue(r.err().contains(env + ":2:27: unknown key 'profil' in ssm:"), r.err());
        assertTrue(r.err().contains("did you mean 'profile'?"), r.err());
    }
}
