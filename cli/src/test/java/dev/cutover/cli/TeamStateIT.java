package dev.cutover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.team.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two (and more) real cutover processes in different working directories, standing in for two machines, sharing
 * one real PostgreSQL (TLS on, verify-full): a live run followed, approved and, after kill -9, resumed from the
 * other directory; a lock raced for 50 times; the server stopped in the middle of a run.
 */
class TeamStateIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestPostgres pg;
    private static Path pgDir;
    private static int databases;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        pgDir = Files.createTempDirectory("team-state-it");
        pg = TestPostgres.start(pgDir.resolve("pg"));
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    private static synchronized String newStore(TestPostgres server) throws Exception {
        return server.url("postgres", server.createDatabase("it" + ++databases));
    }

    /** A cutover process in {@code cwd} (its own ./.cutover and its own lock directory), output to a file. */
    private record Cli(Process process, Path out) {
        String output() throws Exception {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        int exit() throws Exception {
            assertTrue(process.waitFor(180, TimeUnit.SECONDS), "cutover did not exit: " + output());
            return process.exitValue();
        }
    }

    private Cli start(Path cwd, String name, String store, String... args) throws Exception {
        Files.createDirectories(cwd);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JarProcessIT.JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = cwd.resolve(name + ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .directory(cwd.toFile());
        Map<String, String> env = pb.environment();
        env.put("NO_COLOR", "1");
        env.put("HOME", cwd.toString()); // no user config file but the one a test writes
        env.put("CUTOVER_LOCK_DIR", cwd.resolve("locks").toString()); // not shared: only the store can keep order
        env.put("CUTOVER_STATE", store);
        env.put("CUTOVER_STATE_LEASE", "2s");
        return new Cli(pb.start(), out);
    }

    private Cli cutover(Path cwd, String name, String store, String... args) throws Exception {
        Cli c = start(cwd, name, store, args);
        c.exit();
        return c;
    }

    private static void waitFor(Path file, Cli whileRunning) throws Exception {
        while (!Files.exists(file)) {
            assertTrue(whileRunning.process().isAlive(), "cutover exited before " + file.getFileName() + ": "
                    + whileRunning.output());
            Thread.sleep(50);
        }
    }

    private String runIdIn(Path cwd, String store) throws Exception {
        for (int i = 0; ; i++) {
            Cli runs = cutover(cwd, "runs-" + i, store, "runs", "--output", "json");
            String text = runs.output();
            String json = text.substring(text.indexOf('['));
            List<?> rows = JSON.readValue(json, List.class);
            if (!rows.isEmpty()) {
                return String.valueOf(((Map<?, ?>) rows.get(0)).get("run_id"));
            }
            assertTrue(i < 100, "the run never appeared in the store");
            Thread.sleep(100);
        }
    }

    private static final String TEAM_RUNBOOK = """
            apiVersion: cutover/v1
            name: team-change
            params:
              work: { type: path, required: true }
            lock: "app-config"
            steps:
              - id: go-ahead
                uses: approval
                with: { message: "Switch the app to v2?", approvals: 1 }
              - id: write
                uses: shell.exec
                with:
                  command: [sh, -c, 'echo v2 > "$W/app.conf"; touch "$W/written"; while [ ! -f "$W/release" ]; do sleep 0.05; done']
                  env: { W: "${params.work}" }
                undo: { uses: shell.exec, with: { command: [sh, -c, 'echo v1 > "$W/app.conf"'], env: { W: "${params.work}" } } }
              - id: after
                uses: shell.exec
                with: { command: [sh, -c, 'echo after >> "$W/after.log"'], env: { W: "${params.work}" } }
                no_undo: "a marker for the test"
            validate:
              - id: on-v2
                uses: shell.exec
                with: { command: [grep, -q, v2, "${params.work}/app.conf"], readonly: true }
            """;

    @Test
    void oneOperatorRunsAnotherFollowsApprovesAndAfterKillMinus9ResumesFromAnotherDirectory() throws Exception {
        String store = newStore(pg);
        Path alice = dir.resolve("alice");
        Path bob = dir.resolve("bob");
        Path work = dir.resolve("work");
        Files.createDirectories(work);
        Files.createDirectories(alice);
        Path runbook = dir.resolve("team-change.yaml");
        Files.writeString(runbook, TEAM_RUNBOOK);
        assertEquals(0, cutover(bob, "keygen", store, "keygen", "--out", bob.resolve("keys").toString()).exit());

        Cli run = start(alice, "run", store, "run", runbook.toString(), "--yes", "--operator", "alice",
                "--ticket", "CHG-17", "--set", "work=" + work, "--approver-keys",
                bob.resolve("keys").resolve("cutover-sign-pub.pem").toString());
        String runId = runIdIn(bob, store);
        Cli follow = start(bob, "follow", store, "follow", runId);

        Cli self = cutover(alice, "approve-self", store, "approve", runId, "--step", "go-ahead", "--key",
                bob.resolve("keys").resolve("cutover-sign-key.pem").toString(), "--as", "alice");
        assertEquals(5, self.exit(), self.output());
        assertTrue(self.output().contains("alice started run " + runId + " and cannot also approve it"),
                self.output());
        Cli approve = cutover(bob, "approve", store, "approve", runId, "--step", "go-ahead", "--key",
                bob.resolve("keys").resolve("cutover-sign-key.pem").toString(), "--as", "dana", "--reason",
                "reviewed");
        assertEquals(0, approve.exit(), approve.output());
        assertTrue(approve.output().contains("recorded in the team store"), approve.output());

        waitFor(work.resolve("written"), run); // alice's cutover is in the middle of the change
        run.process().destroyForcibly().waitFor(); // kill -9: no rollback, no run.finished, no lock release
        assertTrue(run.process().exitValue() != 0);

        Cli resume = null;
        for (int i = 0; resume == null; i++) {
            Cli r = cutover(bob, "resume-" + i, store, "resume", runId, "--runbook", runbook.toString(), "--yes",
                    "--assume", "done", "--operator", "bob");
            if (r.exit() == 5 && r.output().contains("still being written")) {
                assertTrue(i < 60, "alice's lease never expired: " + r.output());
                Thread.sleep(200);
                continue;
            }
            resume = r;
        }
        String resumed = resume.output();
        assertEquals(0, resume.exit(), resumed);
        assertTrue(resumed.contains("SUCCEEDED"), resumed);
        assertEquals(List.of("after"), Files.readAllLines(work.resolve("after.log")));
        Files.writeString(work.resolve("release"), ""); // in case a process of the killed step is still waiting

        int followed = follow.exit();
        String seen = follow.output();
        assertTrue(seen.contains("approval.granted") && seen.contains("approver=dana"), seen);
        assertTrue(followed == 0 && seen.contains("run.finished") || followed == 6 && seen.contains("stopped without "
                + "finishing"), followed + ": " + seen);

        // the record: the same bytes in bob's directory, in a third directory that only reads the store, and in
        // alice's file up to where she was killed
        Path carol = dir.resolve("carol");
        Cli verify = cutover(carol, "verify", store, "verify", runId);
        assertEquals(0, verify.exit(), verify.output());
        byte[] bobs = Files.readAllBytes(bob.resolve(".cutover/runs").resolve(runId).resolve("journal.jsonl"));
        byte[] carols = Files.readAllBytes(carol.resolve(".cutover/runs").resolve(runId).resolve("journal.jsonl"));
        assertArrayEquals(bobs, carols);
        String alices = Files.readString(alice.resolve(".cutover/runs").resolve(runId).resolve("journal.jsonl"));
        assertTrue(new String(bobs, StandardCharsets.UTF_8).startsWith(alices), "alice's journal is the start of it");
        assertTrue(new String(bobs, StandardCharsets.UTF_8).contains("\"lock.taken-over\""));
        Path zip = dir.resolve("evidence.zip");
        Cli export = cutover(dir.resolve("auditor"), "export", store, "export", runId, "--out", zip.toString());
        assertEquals(0, export.exit(), export.output());
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            assertArrayEquals(bobs, z.getInputStream(z.getEntry(runId + "/run/journal.jsonl")).readAllBytes(),
                    "the export from the store carries the very bytes of the operator's journal");
        }
        Cli runs = cutover(carol, "runs", store, "runs", "--operator", "alice", "--status", "SUCCEEDED");
        assertTrue(runs.output().contains(runId), runs.output());
        Cli none = cutover(carol, "runs-none", store, "runs", "--operator", "mallory");
        assertTrue(none.output().contains("no runs in the team store") && !none.output().contains(runId),
                none.output());
    }

    private static final String RACE_RUNBOOK = """
            apiVersion: cutover/v1
            name: race
            params:
              log: { type: path, required: true }
            lock: "the-one-key"
            steps:
              - id: hold
                uses: shell.exec
                with:
                  command: [sh, -c, 'echo "start $$" >> "$L"; sleep 0.3; echo "end $$" >> "$L"']
                  env: { L: "${params.log}" }
                no_undo: "a test step that only logs"
            """;

    @Test
    void twoProcessesInDifferentDirectoriesRacingForOneKeyFiftyTimesAreNeverBothHolders() throws Exception {
        String store = newStore(pg);
        Path runbook = dir.resolve("race.yaml");
        Files.writeString(runbook, RACE_RUNBOOK);
        Path log = dir.resolve("holders.log");
        Map<Integer, Integer> exits = new HashMap<>();
        for (int round = 0; round < 50; round++) {
            Cli a = start(dir.resolve("a" + round), "run", store, "run", runbook.toString(), "--yes", "--set",
                    "log=" + log);
            Cli b = start(dir.resolve("b" + round), "run", store, "run", runbook.toString(), "--yes", "--set",
                    "log=" + log);
            for (Cli c : List.of(a, b)) {
                int code = c.exit();
                exits.merge(code, 1, Integer::sum);
                assertTrue(code == 0 || code == 5 && c.output().contains("lock 'the-one-key' is held by"),
                        "round " + round + ": " + code + ": " + c.output());
            }
        }
        List<String> lines = Files.readAllLines(log);
        assertEquals(exits.getOrDefault(0, 0) * 2, lines.size(), lines.toString());
        for (int i = 0; i < lines.size(); i += 2) { // every holder ended before the next one started
            assertTrue(lines.get(i).startsWith("start "), "two holders at once: " + lines);
            assertEquals(lines.get(i).replace("start", "end"), lines.get(i + 1), "two holders at once: " + lines);
        }
        assertTrue(exits.getOrDefault(0, 0) >= 50, "every round had a holder: " + exits);
    }

    private static final String STOP_RUNBOOK = """
            apiVersion: cutover/v1
            name: store-outage
            params:
              work: { type: path, required: true }
            steps:
              - id: first
                uses: shell.exec
                with:
                  command: [sh, -c, 'echo first >> "$W/changes.log"; touch "$W/first-running"; while [ ! -f "$W/go" ]; do sleep 0.05; done']
                  env: { W: "${params.work}" }
                undo: { uses: shell.exec, with: { command: [sh, -c, 'echo undo-first >> "$W/changes.log"'], env: { W: "${params.work}" } } }
              - id: second
                uses: shell.exec
                with: { command: [sh, -c, 'echo second >> "$W/changes.log"'], env: { W: "${params.work}" } }
                no_undo: "a marker for the test"
            """;

    @Test
    void aRunStopsBeforeItsNextChangeWhenTheServerStopsAndResumeReconcilesItsTail() throws Exception {
        try (TestPostgres own = TestPostgres.start(dir.resolve("pg"))) {
            String store = newStore(own);
            Path work = dir.resolve("work");
            Files.createDirectories(work);
            Path runbook = dir.resolve("outage.yaml");
            Files.writeString(runbook, STOP_RUNBOOK);
            Path ops = dir.resolve("ops");
            Cli run = start(ops, "run", store, "run", runbook.toString(), "--yes", "--set", "work=" + work);
            waitFor(work.resolve("first-running"), run);
            own.stop(); // the store goes away in the middle of the change
            Files.writeString(work.resolve("go"), "");
            String out = run.output();
            assertEquals(6, run.exit(), run.output());
            out = run.output();
            assertTrue(out.contains("the team store did not commit event"), out);
            assertTrue(out.contains("when the team store is reachable again, run 'cutover resume"), out);
            assertEquals(List.of("first"), Files.readAllLines(work.resolve("changes.log")), "nothing after the outage");
            Path[] runDirs;
            try (var s = Files.list(ops.resolve(".cutover/runs"))) {
                runDirs = s.toArray(Path[]::new);
            }
            assertEquals(1, runDirs.length);
            String runId = runDirs[0].getFileName().toString();
            List<String> local = Files.readAllLines(runDirs[0].resolve("journal.jsonl"));
            assertTrue(local.get(local.size() - 1).contains("\"step.succeeded\""), "the local journal keeps the event "
                    + "the store missed: " + local.get(local.size() - 1));

            own.restart();
            Cli resume = null;
            for (int i = 0; resume == null; i++) {
                Cli r = cutover(ops, "resume-" + i, store, "resume", runId, "--runbook", runbook.toString(), "--yes");
                if (r.exit() == 5 && r.output().contains("still being written")) {
                    assertTrue(i < 60, r.output());
                    Thread.sleep(200);
                    continue;
                }
                resume = r;
            }
            assertEquals(0, resume.exit(), resume.output());
            assertEquals(List.of("first", "second"), Files.readAllLines(work.resolve("changes.log")));

            Path auditor = dir.resolve("auditor");
            Cli verify = cutover(auditor, "verify", store, "verify", runId);
            assertEquals(0, verify.exit(), verify.output());
            assertArrayEquals(Files.readAllBytes(runDirs[0].resolve("journal.jsonl")),
                    Files.readAllBytes(auditor.resolve(".cutover/runs").resolve(runId).resolve("journal.jsonl")),
                    "the store holds every event once, in order, and nothing else");
        }
    }
}
