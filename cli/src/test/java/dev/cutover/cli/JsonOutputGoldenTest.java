package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every JSON output of the CLI, run on fixed inputs, checked against its JSON Schema (docs/schemas/) and
 * a committed golden file (src/test/resources/golden/), see {@link Golden}.
 */
class JsonOutputGoldenTest {
    /** The README's tour runbook: version 3 fails its health check and rolls back. */
    static final String RUNBOOK = """
            apiVersion: cutover/v1
            name: switch-config
            description: Switch the app to config v2, restart it, and check it.
            params:
              dir:     { type: path, required: true }
              version: { type: string, default: "2" }
            preflight:
              - id: config-exists
                uses: shell.exec
                with: { command: [test, -f, app.conf], cwd: "${params.dir}", readonly: true }
              - id: config-today
                uses: shell.exec
                with: { command: [cat, app.conf], cwd: "${params.dir}", readonly: true }
            steps:
              - id: backup
                uses: shell.exec
                with: { command: [cp, app.conf, app.conf.bak], cwd: "${params.dir}" }
                no_undo: "the backup is harmless to keep"
              - id: write-config
                uses: shell.exec
                with:
                  command: [sh, -c, 'echo "version=$V" > app.conf']
                  env: { V: "${params.version}" }
                  cwd: "${params.dir}"
                undo: { uses: shell.exec, with: { command: [cp, app.conf.bak, app.conf], cwd: "${params.dir}" } }
            validate:
              - id: healthy
                uses: shell.exec
                with: { command: [grep, -q, "version=2", app.conf], cwd: "${params.dir}", readonly: true }
                revalidate: true
            """;

    @TempDir
    Path dir;
    Path app;
    Path state;
    Path runbook;
    Golden golden;

    @BeforeEach
    void setUp() throws IOException {
        app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("app.conf"), "version=2\n");
        state = dir.resolve("state");
        runbook = Files.writeString(dir.resolve("change.yaml"), RUNBOOK);
        golden = Golden.in(dir);
    }

    private CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", state.toString(), "--output", "json"));
        return CliRun.withEnv(Map.of("TRUSTSTORE_PASSWORD", "golden-pw"), all.toArray(String[]::new));
    }

    /** A run that fails validation and rolls back, with operator and ticket. */
    private JsonNode rolledBack() {
        CliRun r = cli("run", runbook.toString(), "--set", "dir=" + app, "--set", "version=3", "--yes",
                "--operator", "alice", "--ticket", "CHG-42");
        assertEquals(1, r.exit(), r.all());
        return golden.check(r.out(), "run-summary.schema.json", "run-rolled-back");
    }

    @Test
    void runSummaryOfARolledBackRun() {
        JsonNode n = rolledBack();
        assertEquals("ROLLED_BACK", n.get("status").asText());
        assertFalse(n.get("revalidation").isNull(), n.toString());
    }

    @Test
    void runSummaryOfASucceededRunAndOfAPlan() {
        CliRun ok = cli("run", runbook.toString(), "--set", "dir=" + app, "--yes", "--operator", "alice");
        assertEquals(0, ok.exit(), ok.all());
        JsonNode n = golden.check(ok.out(), "run-summary.schema.json", "run-succeeded");
        assertTrue(n.get("revalidation").isNull() && n.get("reason").asText().isEmpty(), ok.out());
        CliRun plan = cli("plan", runbook.toString(), "--set", "dir=" + app, "--operator", "alice");
        assertEquals(0, plan.exit(), plan.all());
        golden.check(plan.out(), "run-summary.schema.json", "plan");
    }

    @Test
    void reportOfARolledBackRun() {
        String id = rolledBack().get("run_id").asText();
        CliRun r = cli("report", id, "--format", "json");
        assertEquals(0, r.exit(), r.all());
        JsonNode n = golden.check(r.out(), "report.schema.json", "report-rolled-back");
        assertEquals("cutover.report/v1", n.get("schema").asText());
        assertEquals("CHG-42", n.at("/run/ticket").asText());
    }

    @Test
    void verifyOfARolledBackRun() {
        String id = rolledBack().get("run_id").asText();
        CliRun r = cli("verify", id);
        assertEquals(0, r.exit(), r.all());
        JsonNode n = golden.check(r.out(), "verify.schema.json", "verify-unsealed");
        assertTrue(n.get("bad_line").isNull(), r.out());
    }

    @Test
    void runsListsARunAndARehearsal() {
        rolledBack();
        CliRun plan = cli("plan", runbook.toString(), "--set", "dir=" + app, "--operator", "bob");
        assertEquals(0, plan.exit(), plan.all());
        CliRun r = cli("runs");
        assertEquals(0, r.exit(), r.all());
        assertTrue(Golden.validate(Golden.parse(r.out()), "runs.schema.json").isEmpty(), r.out());
        // newest first: two runs started within one second are ordered by their ids' random suffix, so the
        // golden file holds them rehearsal first
        ArrayNode rows = (ArrayNode) Golden.parse(r.out());
        if (!rows.get(0).get("rehearsal").asBoolean()) {
            rows.insert(0, rows.remove(1));
        }
        JsonNode n = golden.check(Golden.pretty(rows), "runs.schema.json", "runs");
        assertEquals(2, n.size(), r.out());
        assertTrue(n.get(0).get("rehearsal").asBoolean() && n.get(0).get("status").asText().endsWith("*"), r.out());
    }

    @Test
    void validateValidInvalidAndRefusedByALint() throws IOException {
        CliRun valid = cli("validate", runbook.toString(), "--set", "dir=" + app);
        assertEquals(0, valid.exit(), valid.all());
        golden.check(valid.out(), "validate.schema.json", "validate-valid");

        Path broken = Files.writeString(dir.resolve("broken.yaml"), RUNBOOK.replace("uses: shell.exec\n"
                + "    with: { command: [cp", "uses: shell.exe\n    with: { command: [cp")
                .replace("${params.version}", "${params.versoin}"));
        CliRun invalid = cli("validate", broken.toString());
        assertEquals(2, invalid.exit(), invalid.all());
        JsonNode n = golden.check(invalid.out(), "validate.schema.json", "validate-invalid");
        assertTrue(n.get("problems").size() >= 2, invalid.out());

        Path lint = dir.resolve("lint.yaml");
        try (InputStream in = getClass().getResourceAsStream("/lints/restart-after-truststore-change.triggers.yaml")) {
            Files.write(lint, in.readAllBytes());
        }
        CliRun refused = cli("validate", lint.toString());
        assertEquals(2, refused.exit(), refused.all());
        golden.check(refused.out(), "validate.schema.json", "validate-refused-by-lint");
        CliRun allowed = cli("validate", lint.toString(), "--allow", "restart-after-truststore-change");
        assertEquals(0, allowed.exit(), allowed.all());
        JsonNode a = golden.check(allowed.out(), "validate.schema.json", "validate-allowed-lint");
        assertEquals("restart-after-truststore-change", a.at("/allowed_lints/0/id").asText());
    }

    @Test
    void stepsListsEveryTypeAndSecretSource() {
        CliRun r = cli("steps");
        assertEquals(0, r.exit(), r.all());
        JsonNode all = Golden.parse(r.out());
        assertTrue(Golden.validate(all, "steps.schema.json").isEmpty(), Golden.validate(all, "steps.schema.json")
                .toString());
        // the golden file holds one stable built-in type and the built-in secret sources: the list of types
        // and their descriptions change with every plugin, the shape must not
        ObjectNode one = all.deepCopy();
        one.withArray("step_types").removeAll();
        for (JsonNode t : all.get("step_types")) {
            if (t.get("id").asText().equals("wait.sleep")) {
                one.withArray("step_types").add(t);
            }
        }
        golden.check(Golden.pretty(one), "steps.schema.json", "steps-wait-sleep");
    }

    @Test
    void driftBetweenTwoEnvironmentsAndASavedBaseline() throws IOException {
        for (String env : List.of("staging", "prod")) {
            Path d = Files.createDirectories(dir.resolve("hosts").resolve(env));
            Files.writeString(d.resolve("app.conf"), env.equals("prod") ? "version=1\n" : "version=2\n");
            Files.createDirectories(dir.resolve("environments"));
            Files.writeString(dir.resolve("environments").resolve(env + ".yaml"), "dir: ../hosts/" + env + "\n");
        }
        CliRun r = cli("drift", runbook.toString(), "--env", "staging", "--env", "prod");
        assertEquals(1, r.exit(), r.all());
        JsonNode n = golden.check(r.out(), "drift.schema.json", "drift");
        assertEquals("DRIFT", n.get("status").asText());
        CliRun saved = cli("drift", runbook.toString(), "--env", "prod", "--baseline",
                dir.resolve("prod-baseline.yaml").toString(), "--save");
        assertEquals(0, saved.exit(), saved.all());
        golden.check(saved.out(), "drift-baseline.schema.json", "drift-baseline-saved");
    }

    @Test
    void expiryOfAnExpiredAndAValidAuthority() throws IOException {
        // two certificates of the real AWS RDS global bundle: one of the expired 2019 generation, one valid to 2061
        String bundle;
        try (InputStream in = getClass().getResourceAsStream("/aws-rds-global-bundle.pem")) {
            bundle = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        Matcher m = Pattern.compile("-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", Pattern.DOTALL)
                .matcher(bundle);
        List<String> certs = new ArrayList<>();
        while (m.find()) {
            certs.add(m.group());
        }
        Path two = Files.writeString(dir.resolve("two.pem"), certs.get(0) + "\n" + certs.get(certs.size() - 1) + "\n");
        CliRun r = cli("expiry", "--bundle", two.toString(), "--within", "36500d");
        assertEquals(1, r.exit(), r.all());
        JsonNode n = golden.fromNow("days_left").check(r.out(), "expiry.schema.json", "expiry");
        assertEquals(2, n.get("expiring").size(), r.out());
        assertTrue(n.at("/expiring/0/expired").asBoolean(), r.out());
    }

    @Test
    void rehearsalOfEveryRollback() throws IOException {
        Files.writeString(dir.resolve("rehearsal.yaml"), "dir: " + app + "\n");
        CliRun r = cli("rehearse", runbook.toString(), "--env-file", dir.resolve("rehearsal.yaml").toString(),
                "--fail-each");
        assertEquals(0, r.exit(), r.all());
        JsonNode n = golden.check(r.out(), "rehearsal.schema.json", "rehearsal");
        assertEquals("PROVEN", n.get("status").asText());
    }

    @Test
    void theSchemasRejectARenamedOrMissingField() {
        JsonNode summary = rolledBack();
        assertTrue(Golden.validate(summary, "run-summary.schema.json").isEmpty(),
                Golden.validate(summary, "run-summary.schema.json").toString());
        ObjectNode renamed = summary.deepCopy();
        renamed.set("runId", renamed.remove("run_id"));
        assertFalse(Golden.validate(renamed, "run-summary.schema.json").isEmpty());
        ObjectNode step = summary.deepCopy();
        ((ObjectNode) step.withArray("steps").get(0)).remove("duration_ms");
        assertFalse(Golden.validate(step, "run-summary.schema.json").isEmpty());
        CliRun r = cli("report", summary.get("run_id").asText(), "--format", "json");
        ObjectNode report = (ObjectNode) Golden.parse(r.out());
        assertTrue(Golden.validate(report, "report.schema.json").isEmpty());
        ((ObjectNode) report.get("run")).set("run_id", ((ObjectNode) report.get("run")).remove("id"));
        assertFalse(Golden.validate(report, "report.schema.json").isEmpty());
    }
}
