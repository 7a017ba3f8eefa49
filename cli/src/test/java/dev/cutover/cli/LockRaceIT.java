package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.run.RunLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Locks and resume attacked with real {@code java -jar cutover.jar} processes: many at once on one
 * key, each with its own state directory, racing to start or to take over; a run killed with SIGKILL
 * mid-change; a resume and an unlock aimed at a run that is still alive.
 *
 * <p>The step of the runbook appends to {@code ran.log} and then waits for a {@code release} file, so
 * the run that got the lock holds it until the test has seen every other process give up. Nothing
 * here depends on timing: the test releases only after the losers have exited.
 */
class LockRaceIT {
    @TempDir
    Path dir;

    private static final String RUNBOOK = """
            apiVersion: cutover/v1
            name: race
            params:
              work: { type: path, required: true }
              tag: { type: string, required: true }
            lock: "race-${params.tag}"
            steps:
              - id: hold
                uses: shell.exec
                with:
                  command: [sh, -c, 'echo "$$" >> "$W/ran.log"; while [ ! -f "$W/release" ]; do sleep 0.05; done']
                  env: { W: "${params.work}" }
                no_undo: "a test step that only waits"
            """;

    private Path locks() {
        return dir.resolve("locks");
    }

    private Path runbook() throws Exception {
        Path rb = dir.resolve("race.yaml");
        if (!Files.exists(rb)) {
            Files.writeString(rb, RUNBOOK);
        }
        return rb;
    }

    /** A cutover process writing stdout and stderr to {@code <name>.out}. */
    private record Cli(Process process, Path out) {
        String output() throws Exception {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        int exit() throws Exception {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "cutover did not exit: " + output());
            return process.exitValue();
        }
    }

    private Cli start(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JarProcessIT.JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .directory(dir.toFile());
        pb.environment().put("NO_COLOR", "1");
        pb.environment().put("CUTOVER_LOCK_DIR", locks().toString());
        return new Cli(pb.start(), out);
    }

    /** A cutover process on a real pseudo-terminal ({@code script}), typing {@code answer} at its prompt. */
    private Cli startOnTerminal(String name, String answer, String... args) throws Exception {
        StringBuilder line = new StringBuilder();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", JarProcessIT.JAR.toString()));
        cmd.addAll(List.of(args));
        for (String a : cmd) {
            line.append('\'').append(a.replace("'", "'\\''")).append("' ");
        }
        Path out = dir.resolve(name + ".out");
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", line.toString(), "/dev/null").redirectErrorStream(true)
                .redirectOutput(out.toFile()).directory(dir.toFile());
        pb.environment().put("NO_COLOR", "1");
        pb.environment().put("CUTOVER_LOCK_DIR", locks().toString());
        Process p = pb.start();
        p.getOutputStream().write((answer + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        return new Cli(p, out);
    }

    private Cli run(String name, Path work, String tag, Path state, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", runbook().toString(), "--yes", "--state-dir",
                state.toString(), "--set", "work=" + work, "--set", "tag=" + tag));
        args.addAll(List.of(extra));
        return start(name, args.toArray(String[]::new));
    }

    /** Starts {@code n} runs at once on one key, each with its own state directory; returns them. */
    private List<Cli> startMany(int n, Path work, String tag, String round) throws Exception {
        List<Cli> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(run(round + "-" + i, work, tag, dir.resolve("state-" + round + "-" + i)));
        }
        return all;
    }

    /**
     * Waits until all but one process have exited (or a generous guard passes, when a broken lock lets
     * several wait in the step), then releases the step and waits for the rest.
     */
    private static void releaseAfterLosersExit(List<Cli> all, Path work) throws Exception {
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (all.stream().filter(c -> !c.process().isAlive()).count() < all.size() - 1 && System.nanoTime() < guard) {
            Thread.sleep(100);
        }
        Files.writeString(work.resolve("release"), "");
        for (Cli c : all) {
            c.exit();
        }
    }

    private static Map<Integer, Integer> exitCounts(List<Cli> all) throws Exception {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (Cli c : all) {
            counts.merge(c.exit(), 1, Integer::sum);
        }
        return counts;
    }

    private static String outputs(List<Cli> all) throws Exception {
        StringBuilder b = new StringBuilder();
        for (Cli c : all) {
            b.append("--- exit ").append(c.exit()).append('\n').append(c.output());
        }
        return b.toString();
    }

    private static List<String> lines(Path f) throws Exception {
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    private static Path onlyRun(Path state) throws Exception {
        try (var s = Files.list(state.resolve("runs"))) {
            List<Path> runs = s.toList();
            assertEquals(1, runs.size(), runs.toString());
            return runs.get(0);
        }
    }

    private static List<JournalEvent> events(Path runDir) throws Exception {
        return JournalReader.read(runDir.resolve("journal.jsonl")).events();
    }

    private static void awaitFile(Path f, Cli holder) throws Exception {
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(f) && holder.process().isAlive() && System.nanoTime() < guard) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(f), "the run never reached its step: " + holder.output());
    }

    private static Map<String, byte[]> snapshot(Path runDir) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (var s = Files.walk(runDir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(runDir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Path runDir) throws Exception {
        Map<String, byte[]> after = snapshot(runDir);
        assertEquals(before.keySet(), after.keySet(), "files in " + runDir);
        for (String f : before.keySet()) {
            assertTrue(java.util.Arrays.equals(before.get(f), after.get(f)), f + " changed");
        }
    }

    @Test
    void twentyRunsStartedAtOnceOnOneKeyFromTwentyStateDirectoriesRunExactlyOne() throws Exception {
        for (int round = 0; round < 2; round++) {
            Path work = Files.createDirectories(dir.resolve("work-" + round));
            List<Cli> all = startMany(20, work, "start-" + round, "r" + round);
            releaseAfterLosersExit(all, work);
            String outs = outputs(all);
            assertEquals(Map.of(0, 1, 5, 19), exitCounts(all), outs);
            assertEquals(1, lines(work.resolve("ran.log")).size(), "exactly one step ran\n" + outs);
            for (Cli c : all) {
                if (c.exit() == 5) {
                    assertTrue(c.output().contains("is held by run"), c.output());
                }
            }
        }
    }

    @Test
    void tenProcessesRacingToTakeOverTheLockOfADeadFinishedRunLetExactlyOneWin() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("release"), "");
        Path firstState = dir.resolve("state-first");
        assertEquals(0, run("first", work, "takeover", firstState).exit());
        Path finished = onlyRun(firstState);
        // what a holder leaves when it dies after its run finished but before it released: its owner record
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path owner = RunLock.ownerFile(locks(), "race-takeover");
        Files.writeString(owner, "{\"key\":\"race-takeover\",\"run_id\":\"" + finished.getFileName() + "\",\"run_dir\":\""
                + finished + "\",\"operator\":\"bob\",\"os_user\":\"bob\",\"host\":\""
                + java.net.InetAddress.getLocalHost().getHostName() + "\",\"pid\":" + dead.pid()
                + ",\"pid_start\":null,\"since\":\"2026-01-01T00:00:00Z\"}");
        Files.delete(work.resolve("release"));

        List<Cli> all = startMany(10, work, "takeover", "t");
        releaseAfterLosersExit(all, work);
        String outs = outputs(all);
        assertEquals(Map.of(0, 1, 5, 9), exitCounts(all), outs);
        assertEquals(2, lines(work.resolve("ran.log")).size(), "the first run and exactly one racer ran\n" + outs);
        int takeovers = 0;
        for (int i = 0; i < 10; i++) {
            takeovers += (int) events(onlyRun(dir.resolve("state-t-" + i))).stream()
                    .filter(e -> e.event().equals("lock.taken-over")).count();
        }
        assertEquals(1, takeovers, outs);
    }

    @Test
    void aKilledUnfinishedRunKeepsItsLockUntilItIsResumedAndOnlyItsResumeTakesItOver() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path stateA = dir.resolve("state-a");
        Cli a = run("a", work, "crash", stateA);
        awaitFile(work.resolve("ran.log"), a);
        a.process().destroyForcibly();   // SIGKILL mid-change: no release, no run.finished
        a.process().waitFor(60, TimeUnit.SECONDS);
        Path runA = onlyRun(stateA);

        Cli b = run("b", work, "crash", dir.resolve("state-b"));
        assertEquals(5, b.exit(), b.output());
        assertTrue(b.output().contains("did not finish") && b.output().contains("cutover resume " + runA),
                b.output());
        assertEquals(1, lines(work.resolve("ran.log")).size(), "the refused run changed nothing");

        Map<String, byte[]> before = snapshot(runA);
        Cli unconfirmed = start("unconfirmed", "resume", runA.toString(), "--runbook",
                dir.resolve("race.yaml").toString(), "--state-dir", stateA.toString());
        assertEquals(5, unconfirmed.exit(), unconfirmed.output());
        assertTrue(unconfirmed.output().contains("not on a terminal") && unconfirmed.output().contains("--yes"),
                unconfirmed.output());
        assertUnchanged(before, runA);

        Cli declined = startOnTerminal("declined", "no", "resume", runA.toString(), "--runbook",
                dir.resolve("race.yaml").toString(), "--assume", "not-done",
                "--state-dir", stateA.toString());
        assertEquals(5, declined.exit(), declined.output());
        assertTrue(declined.output().contains("Type 'yes' to proceed") && declined.output().contains("not confirmed"),
                declined.output());
        assertUnchanged(before, runA);

        Files.writeString(work.resolve("release"), "");
        Cli resumed = startOnTerminal("resume", "yes", "resume", runA.toString(), "--runbook",
                dir.resolve("race.yaml").toString(), "--assume", "not-done",
                "--state-dir", stateA.toString());
        assertEquals(0, resumed.exit(), resumed.output());
        assertTrue(events(runA).stream().anyMatch(e -> e.event().equals("lock.taken-over")
                && e.dataString("took_over_from").contains(runA.getFileName().toString())), resumed.output());
        assertTrue(RunLock.holder(locks(), "race-crash").isEmpty(), "released when the resumed run finished");

        Cli again = run("again", work, "crash", dir.resolve("state-b"));
        assertEquals(0, again.exit(), again.output());
    }

    @Test
    void aLiveRunCannotBeResumedOrUnlockedAndTheRefusalWritesNothing() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path state = dir.resolve("state");
        Cli a = run("a", work, "live", state);
        awaitFile(work.resolve("ran.log"), a);
        Path runA = onlyRun(state);
        Map<String, byte[]> before = snapshot(runA);

        Cli resume = start("resume", "resume", runA.toString(), "--yes", "--runbook", dir.resolve("race.yaml").toString(),
                "--state-dir", state.toString());
        assertEquals(5, resume.exit(), resume.output());
        assertTrue(resume.output().contains("still running") && resume.output().contains("pid " + a.process().pid()),
                resume.output());
        assertUnchanged(before, runA);

        Cli unlock = start("unlock", "unlock", "race-live", "--reason", "impatient", "--state-dir",
                dir.resolve("state-unlock").toString());
        assertEquals(5, unlock.exit(), unlock.output());
        assertTrue(unlock.output().contains("alive"), unlock.output());
        assertTrue(RunLock.holder(locks(), "race-live").isPresent());

        Files.writeString(work.resolve("release"), "");
        assertEquals(0, a.exit(), a.output());
        assertEquals(1, lines(work.resolve("ran.log")).size(), "the step ran once: " + a.output());
    }
}
