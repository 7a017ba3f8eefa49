package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet engine with real processes and real files: hosts of {@code transport: local}, each with its own
 * directory from the inventory's per-host values; every step appends "host what" to a trace file.
 */
class FleetRunTest {
    @TempDir
    Path dir;

    private static final String ENV = "env: { TRACE: \"${params.trace}\", H: \"${host.name}\", D: \"${host.dir}\" }";

    /** A runbook with a global change before a hosts block (write config, restart; a health check per host). */
    static String runbook(String rolling) {
        return "apiVersion: cutover/v1\nname: fleet\nparams:\n  trace: { type: path, required: true }\n"
                + "steps:\n"
                + "  - id: global-before\n    uses: shell.exec\n"
                + "    with: { command: [sh, -c, 'echo global-before >> \"$TRACE\"'], env: { TRACE: \"${params.trace}\" } }\n"
                + "    undo: { uses: shell.exec, with: { command: [sh, -c, 'echo undo-global-before >> \"$TRACE\"'], "
                + "env: { TRACE: \"${params.trace}\" } } }\n"
                + "  - hosts: web\n    id: roll\n    rolling: " + rolling + "\n"
                + "    preflight:\n"
                + "      - id: dir-exists\n        uses: shell.exec\n"
                + "        with: { command: [test, -d, \"${host.dir}\"], readonly: true }\n"
                + "    steps:\n"
                + "      - id: write-config\n        uses: shell.exec\n"
                + "        with: { command: [sh, -c, 'echo \"$H write\" >> \"$TRACE\"; echo v2 > \"$D/app.conf\"'], " + ENV + " }\n"
                + "        undo: { uses: shell.exec, with: { command: [sh, -c, 'echo \"$H undo-write\" >> \"$TRACE\"; "
                + "echo v1 > \"$D/app.conf\"'], " + ENV + " } }\n"
                + "        probe: { uses: shell.exec, with: { command: [grep, -q, v2, \"${host.dir}/app.conf\"], readonly: true } }\n"
                + "      - id: restart-app\n        uses: shell.exec\n"
                + "        with: { command: [sh, -c, 'echo \"$H restart\" >> \"$TRACE\"'], " + ENV + " }\n"
                + "        no_undo: \"the config undo is enough here\"\n"
                + "    validate:\n"
                + "      - id: healthy\n        uses: shell.exec\n"
                + "        with: { command: [sh, -c, 'echo \"$H check\" >> \"$TRACE\"; test ! -e \"$D/broken\"'], readonly: true, "
                + ENV + " }\n";
    }

    /** An environment with hosts web-1..web-N (local transport), each with its own directory, in group web. */
    private Path environment(int hosts, int forks) throws Exception {
        return environment(dir, hosts, forks);
    }

    /** Writes the environment file in {@code dir}, each host's directory holding app.conf "v1". */
    static Path environment(Path dir, int hosts, int forks) throws Exception {
        StringBuilder env = new StringBuilder("inventory:\n  ssh: { forks: " + forks + " }\n  groups:\n    web:\n      hosts: [");
        for (int i = 1; i <= hosts; i++) {
            env.append(i > 1 ? ", " : "").append("web-").append(i);
        }
        env.append("]\n      transport: local\n  hosts:\n");
        for (int i = 1; i <= hosts; i++) {
            Path d = dir.resolve("web-" + i);
            Files.createDirectories(d);
            Files.writeString(d.resolve("app.conf"), "v1\n");
            env.append("    web-").append(i).append(": { values: { dir: \"").append(d).append("\" } }\n");
        }
        Path f = dir.resolve("fleet-env.yaml");
        Files.writeString(f, env.toString());
        return f;
    }

    private CliRun run(String rolling, int hosts, int forks, String... extra) throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, runbook(rolling));
        Path env = environment(hosts, forks);
        List<String> args = new ArrayList<>(List.of("run", rb.toString(), "--env-file", env.toString(), "--yes",
                "--no-color", "--state-dir", dir.resolve("state").toString(), "--set", "trace=" + dir.resolve("trace.log")));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** Makes a host's health check fail ("broken" in its directory). */
    private void breakHost(int host) throws Exception {
        Files.createDirectories(dir.resolve("web-" + host));
        Files.writeString(dir.resolve("web-" + host).resolve("broken"), "");
    }

    private List<String> trace() throws Exception {
        return TraceRunbooks.trace(dir.resolve("trace.log"));
    }

    private String conf(int host) throws Exception {
        return Files.readString(dir.resolve("web-" + host).resolve("app.conf")).strip();
    }

    private List<JournalEvent> journal() throws Exception {
        try (var s = Files.list(dir.resolve("state/runs"))) {
            Path last = s.sorted().reduce((a, b) -> b).orElseThrow();
            return JournalReader.read(last.resolve("journal.jsonl")).events();
        }
    }

    private static List<String> host(List<String> trace, String host) {
        return trace.stream().filter(l -> l.startsWith(host + " ")).toList();
    }

    @Test
    void runsTheCanaryFirstThenBatchesInOrderAndPrintsOneLinePerHostStepAndTheHostTable() throws Exception {
        CliRun r = run("{ batch: 2, canary: 1 }", 5, 1);
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("global-before",
                "web-1 write", "web-1 restart", "web-1 check",
                "web-2 write", "web-2 restart", "web-3 write", "web-3 restart", "web-2 check", "web-3 check",
                "web-4 write", "web-4 restart", "web-5 write", "web-5 restart", "web-4 check", "web-5 check"), trace());
        for (int i = 1; i <= 5; i++) {
            assertEquals("v2", conf(i));
        }
        assertTrue(r.out().contains("roll: batch 1/3 (canary): web-1"), r.out());
        assertTrue(r.out().contains("roll: batch 3/3: web-4, web-5"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  \\[web-2\\] restart-app ok \\d+ms.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  \\[web-5\\] validate healthy ok \\d+ms.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\nhost\\s+state\\s+detail\\n(web-\\d\\s+succeeded\\s*\\n){5}.*"), r.out());
        // every event of a host's step names the host
        for (JournalEvent e : journal()) {
            if (e.step() != null && Set.of("dir-exists", "write-config", "restart-app", "healthy").contains(e.step())) {
                assertTrue(e.data().get("host") instanceof String h && h.startsWith("web-"), e.toLine());
            }
            if ("global-before".equals(e.step())) {
                assertFalse(e.data().containsKey("host"), e.toLine());
            }
        }
    }

    @Test
    void aLaterRollbackUndoesEveryHostLatestBatchFirstThenTheChangeBeforeTheBlock() throws Exception {
        CliRun r = run("{ batch: 2, canary: 1 }", 3, 1);
        assertEquals(0, r.exit(), r.all());
        String runId = journal().get(0).run();
        Files.delete(dir.resolve("trace.log"));
        CliRun back = CliRun.of("rollback", runId, "--runbook", dir.resolve("fleet.yaml").toString(), "--reason",
                "test", "--yes", "--no-color", "--state-dir", dir.resolve("state").toString());
        assertEquals(1, back.exit(), back.all());
        List<String> t = trace();
        assertEquals("undo-global-before", t.get(t.size() - 1), t.toString());
        assertEquals(List.of("web-1 undo-write"), host(t, "web-1"), t.toString());
        assertTrue(t.indexOf("web-1 undo-write") > Math.max(t.indexOf("web-2 undo-write"), t.indexOf("web-3 undo-write")),
                t.toString());
        for (int i = 1; i <= 3; i++) {
            assertEquals("v1", conf(i), "web-" + i);
        }
        assertTrue(back.out().matches("(?s).*\\nweb-1\\s+rolled back.*\\nweb-2\\s+rolled back.*\\nweb-3\\s+rolled back.*"),
                back.out());
    }

    @Test
    void anInventoryCanLiveInAFileOfItsOwn() throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, runbook("{ batch: 1 }"));
        Path env = environment(2, 1);
        Path hosts = dir.resolve("hosts.yaml");
        Files.writeString(hosts, Files.readString(env).replaceFirst("^inventory:\n", "").replaceAll("(?m)^  ", ""));
        Files.writeString(env, "inventory: hosts.yaml\n");
        CliRun v = CliRun.of("validate", rb.toString(), "--env-file", env.toString(), "--set", "trace=/tmp/x");
        assertEquals(0, v.exit(), v.all());
        assertTrue(v.out().contains("batch 2: web-2"), v.out());
        Files.writeString(hosts, "hosts:\n  web-1: { port: 99999 }\n");
        CliRun bad = CliRun.of("validate", rb.toString(), "--env-file", env.toString(), "--set", "trace=/tmp/x");
        assertEquals(2, bad.exit(), bad.all());
        assertTrue(bad.err().contains(hosts + ":2:18: port must be a whole number from 1 to 65535"), bad.err());
    }

    @Test
    void aBatchOfSeveralHostsFinishesItsStepsAndChecksBeforeTheNextBatchStarts() throws Exception {
        CliRun r = run("{ batch: 2 }", 4, 2);
        assertEquals(0, r.exit(), r.all());
        List<String> t = trace();
        int lastOfFirstBatch = Math.max(t.lastIndexOf("web-1 check"), t.lastIndexOf("web-2 check"));
        int firstOfSecond = Math.min(t.indexOf("web-3 write"), t.indexOf("web-4 write"));
        assertTrue(lastOfFirstBatch < firstOfSecond, t.toString());
        assertEquals(13, t.size(), t.toString());
    }

    @Test
    void aCanaryThatFailsValidationIsRolledBackAloneAndTheOtherHostsAreNeverTouched() throws Exception {
        breakHost(1);
        CliRun r = run("{ batch: 2, canary: 1 }", 3, 1);
        assertEquals(1, r.exit(), r.all());
        assertEquals(List.of("global-before", "web-1 write", "web-1 restart", "web-1 check", "web-1 undo-write",
                "undo-global-before"), trace());
        assertEquals("v1", conf(1));
        assertEquals("v1", conf(2));
        assertEquals("v1", conf(3));
        assertTrue(r.out().contains("host 'web-1' failed in batch 1 of 2 (the canary)"), r.out());
        assertTrue(r.out().matches("(?s).*\\nweb-1\\s+rolled back .*\\nweb-2\\s+not reached.*\\nweb-3\\s+not reached.*"),
                r.out());
        assertTrue(r.out().contains("[web-1] write-config undone"), r.out());

        String runDir = journal().get(0).run();
        CliRun md = CliRun.of("report", runDir, "--state-dir", dir.resolve("state").toString());
        assertEquals(0, md.exit(), md.all());
        assertTrue(md.out().contains("## Hosts"), md.out());
        assertTrue(md.out().matches("(?s).*\\| web-1 \\| rolled back \\| ok \\| ok → undone \\| ok → kept \\| failed \\|.*"),
                md.out());
        assertTrue(md.out().matches("(?s).*\\| web-2 \\| not reached \\| ok \\|.*"), md.out());
        assertTrue(md.out().contains("### Timeline of web-1"), md.out());
        CliRun json = CliRun.of("report", runDir, "--format", "json", "--state-dir", dir.resolve("state").toString());
        assertEquals(0, json.exit(), json.all());
        var hosts = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("hosts");
        assertEquals("rolled back", hosts.get(0).get("state").asText(), json.out());
        assertEquals("ok → undone", hosts.get(0).get("steps").get("write-config").asText(), json.out());
        assertEquals("not reached", hosts.get(2).get("state").asText(), json.out());
    }

    @Test
    void aFailedBatchRollsBackItsOwnHostsThenTheEarlierBatchesThenTheChangeBeforeTheBlock() throws Exception {
        breakHost(3);
        CliRun r = run("{ batch: 2, canary: 1, rollback: all }", 5, 1);
        assertEquals(1, r.exit(), r.all());
        List<String> t = trace();
        assertEquals(List.of("web-2 undo-write", "web-3 undo-write", "web-1 undo-write", "undo-global-before"),
                t.subList(t.indexOf("web-3 check") + 1, t.size()), t.toString());
        assertTrue(host(t, "web-4").isEmpty() && host(t, "web-5").isEmpty(), t.toString());
        for (int i = 1; i <= 5; i++) {
            assertEquals("v1", conf(i), "web-" + i);
        }
        assertTrue(r.out().matches("(?s).*\\nweb-1\\s+rolled back.*\\nweb-2\\s+rolled back.*\\nweb-3\\s+rolled back.*"
                + "\\nweb-4\\s+not reached.*\\nweb-5\\s+not reached.*"), r.out());
    }

    @Test
    void withRollbackFailedBatchTheEarlierBatchesKeepTheChange() throws Exception {
        breakHost(3);
        CliRun r = run("{ batch: 2, canary: 1, rollback: failed-batch }", 5, 1);
        assertEquals(1, r.exit(), r.all());
        List<String> t = trace();
        assertEquals(List.of("web-2 undo-write", "web-3 undo-write"), t.subList(t.indexOf("web-3 check") + 1,
                t.size()), t.toString());
        assertEquals("v2", conf(1));
        assertEquals("v1", conf(2));
        assertEquals("v1", conf(3));
        assertTrue(r.out().contains("earlier batches keep the change (rollback: failed-batch)"), r.out());
        assertTrue(r.out().matches("(?s).*\\nweb-1\\s+succeeded.*\\nweb-2\\s+rolled back.*\\nweb-4\\s+not reached.*"),
                r.out());
    }

    @Test
    void maxFailedRollsBackEachFailedHostAloneUntilOneTooManyFails() throws Exception {
        breakHost(2);
        CliRun ok = run("{ batch: 1, max_failed: 1 }", 4, 1);
        assertEquals(0, ok.exit(), ok.all());
        assertEquals("v1", conf(2));
        assertEquals("v2", conf(1));
        assertEquals("v2", conf(4));
        assertTrue(ok.out().matches("(?s).*\\nweb-2\\s+rolled back.*\\nweb-3\\s+succeeded.*"), ok.out());

        Files.delete(dir.resolve("trace.log"));
        breakHost(3);
        CliRun stop = run("{ batch: 1, max_failed: 1 }", 4, 1);
        assertEquals(1, stop.exit(), stop.all());
        assertTrue(host(trace(), "web-4").isEmpty(), trace().toString());
        assertTrue(stop.out().contains("more than max_failed 1 hosts failed"), stop.out());
        for (int i = 1; i <= 4; i++) {
            assertEquals("v1", conf(i), "web-" + i);
        }
    }

    @Test
    void aHostThatFailsItsPreflightStopsTheRunBeforeAnythingChangesAnywhere() throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, runbook("{ batch: 1 }"));
        Path env = environment(3, 2);
        Files.delete(dir.resolve("web-2").resolve("app.conf"));
        Files.delete(dir.resolve("web-2"));
        CliRun r = CliRun.of("run", rb.toString(), "--env-file", env.toString(), "--yes", "--no-color", "--state-dir",
                dir.resolve("state").toString(), "--set", "trace=" + dir.resolve("trace.log"));
        assertEquals(3, r.exit(), r.all());
        assertEquals(List.of(), trace());
        assertEquals("v1", conf(1));
        assertEquals("v1", conf(3));
        assertTrue(r.out().contains("PREFLIGHT_FAILED (exit 3)"), r.out());
        assertTrue(r.out().contains("host 'web-2': preflight step 'dir-exists' failed"), r.out());
        assertTrue(r.out().matches("(?s).*\\nweb-1\\s+not reached.*\\nweb-2\\s+not reached.*\\nweb-3\\s+not reached.*"),
                r.out());
    }

    @Test
    void validateAndPlanListTheHostsBatchByBatch() throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, runbook("{ batch: \"50%\", canary: 1 }"));
        Path env = environment(5, 2);
        CliRun v = CliRun.of("validate", rb.toString(), "--env-file", env.toString(), "--set", "trace=/tmp/x");
        assertEquals(0, v.exit(), v.all());
        assertTrue(v.out().contains("hosts block 'roll' (batch 50%, canary 1, max_failed 0, rollback all): 5 host(s) "
                + "in 3 batch(es)\n  batch 1 (canary): web-1\n  batch 2: web-2, web-3, web-4\n  batch 3: web-5"), v.out());
        CliRun p = CliRun.of("plan", rb.toString(), "--env-file", env.toString(), "--no-color", "--state-dir",
                dir.resolve("state").toString(), "--set", "trace=" + dir.resolve("trace.log"));
        assertEquals(0, p.exit(), p.all());
        assertTrue(p.out().matches("(?s).*\\[plan\\] roll\\s+batch 1/3 \\(canary\\): web-1\n.*"), p.out());
        assertTrue(p.out().matches("(?s).*\\[plan\\] roll\\s+batch 2/3: web-2, web-3, web-4\n.*"), p.out());
        assertFalse(p.out().contains("not reached"), p.out());
        assertTrue(p.out().contains("would run write-config (shell.exec) on each host"), p.out());
        assertEquals(List.of(), trace());
        assertEquals("v1", conf(1));
    }

    @Test
    void aHostValueAStepUsesMustBeSetForEveryHostAndInventoryErrorsSayWhere() throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, runbook("{ batch: 1 }").replace("${host.dir}\"], readonly", "${host.root}\"], readonly"));
        Path env = environment(2, 1);
        CliRun r = CliRun.of("validate", rb.toString(), "--env-file", env.toString(), "--set", "trace=/tmp/x");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("step 'dir-exists': ${host.root}: hosts web-1, web-2 have no value 'root' in the "
                + "inventory"), r.err());

        Files.writeString(env, "inventory:\n  hosts:\n    web-1: { prot: 22 }\n  groups:\n    web: { hosts: [web-1, web-9] }\n");
        Files.writeString(rb, runbook("{ batch: 1 }"));
        CliRun bad = CliRun.of("validate", rb.toString(), "--env-file", env.toString(), "--set", "trace=/tmp/x");
        assertEquals(2, bad.exit(), bad.all());
        assertTrue(bad.err().contains(env + ":3:14: unknown key 'prot' in a host"), bad.err());
        assertTrue(bad.err().contains("did you mean 'port'?"), bad.err());
        assertTrue(bad.err().contains(env + ":5:27: group 'web' names unknown host 'web-9'"), bad.err());
    }

    @Test
    void hostReferencesOutsideAHostsBlockAreLoadErrors() throws Exception {
        Path rb = dir.resolve("fleet.yaml");
        Files.writeString(rb, runbook("{ batch: 1 }").replace("echo global-before >>", "echo ${host.name} >>"));
        CliRun r = CliRun.of("validate", rb.toString(), "--set", "trace=/tmp/x");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("${host.name} outside a hosts: block"), r.err());
    }
}
