package dev.cutover.process;

import dev.cutover.spi.ProbeResult;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import dev.cutover.spi.StepType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceStepsTest {
    @TempDir
    Path dir;
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (ProcessHandle p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private List<String> command(String mode, String port, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djavax.net.ssl.trustStore=" + dir.resolve("actual.p12"),
                "-cp", System.getProperty("java.class.path"), TestService.class.getName(), mode,
                dir.resolve("app.port").toString(), port));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private StepTestKit kit(StepType type, String mode) {
        StepTestKit kit = StepTestKit.of(type).with("name", "test-app").with("pid_file", dir.resolve("app.pid"));
        if (!(type instanceof StopStep) && !(type instanceof InfoStep)) {
            kit.with("command", command(mode, "0")).with("ready_port_file", dir.resolve("app.port"))
                    .with("ready_timeout", "20s");
        }
        return kit;
    }

    private ProcessHandle track(Object pid) {
        ProcessHandle p = ProcessHandle.of(((Number) pid).longValue()).orElseThrow();
        started.add(p);
        return p;
    }

    @Test
    void startsAServiceReadyWhenItWritesItsPortAndStopEndsItsWholeProcessTree() throws Exception {
        StepRecording r = kit(new StartStep(), "normal").apply().assertSucceeded();
        ProcessHandle app = track(r.output("pid"));
        List<ProcessHandle> children = app.descendants().toList();

        assertEquals(List.of("step.started", "step.intent", "step.succeeded"), r.eventNames());
        assertTrue(app.isAlive());
        assertEquals(Files.readString(dir.resolve("app.port")).trim(), r.output("port").toString());
        assertEquals(app.pid() + "\n", Files.readString(dir.resolve("app.pid")));
        assertFalse(children.isEmpty(), "the test service starts a child process");

        StepRecording stop = kit(new StopStep(), "normal").with("grace", "5s").apply().assertSucceeded();

        assertEquals(app.pid(), ((Number) stop.output("stopped_pid")).longValue());
        assertFalse(app.isAlive());
        assertTrue(children.stream().noneMatch(ProcessHandle::isAlive), "children must be stopped too");
        assertFalse(Files.exists(dir.resolve("app.pid")));
    }

    @Test
    void waitsForTheReadyUrlToAnswer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StepRecording r = StepTestKit.of(new StartStep()).with("name", "test-app").with("pid_file", dir.resolve("app.pid"))
                .with("command", command("normal", Integer.toString(port)))
                .with("ready_url", "http://127.0.0.1:" + port + "/health").apply().assertSucceeded();
        track(r.output("pid"));

        assertTrue(Files.exists(dir.resolve("app.port")), "the URL answers only after the server is up");
    }

    @Test
    void passesSecretsOnlyThroughTheEnvironmentNeverArgvOrJournal() throws Exception {
        Path dump = dir.resolve("env.txt");
        StepRecording r = kit(new StartStep(), "normal").with("command", command("normal", "0", dump.toString()))
                .with("env", Map.of("APP_SECRET", new dev.cutover.spi.Secret("pa55-word-xyz"))).apply().assertSucceeded();
        ProcessHandle app = track(r.output("pid"));

        assertEquals("pa55-word-xyz", Files.readString(dump));
        assertFalse(String.join(" ", app.info().arguments().orElseThrow()).contains("pa55-word-xyz"));
        assertFalse(Files.readString(r.journal()).contains("pa55-word-xyz"));
    }

    @Test
    void escalatesToSigkillWhenTheServiceIgnoresSigterm() throws Exception {
        StepRecording r = kit(new StartStep(), "stubborn").apply().assertSucceeded();
        ProcessHandle app = track(r.output("pid"));
        Instant begin = Instant.now();

        kit(new StopStep(), "stubborn").with("grace", "500ms").apply().assertSucceeded();

        assertFalse(runs(app), "the SIGKILLed service runs no more (at most a zombie its reaper has not collected yet)");
        assertTrue(Duration.between(begin, Instant.now()).toSeconds() < 6);
    }

    @Test
    void failsWithTheLogTailWhenTheServiceExitsBeforeItIsReady() throws Exception {
        StepRecording r = kit(new StartStep(), "fail").apply().assertFailed();

        assertTrue(r.error().contains("exited with code 3 before it was ready"), r.error());
        assertTrue(r.error().contains("boom: cannot open the truststore"), r.error());
        assertFalse(Files.exists(dir.resolve("app.pid")));
    }

    @Test
    void restartReplacesTheProcessAndTheProbeSeesIt() throws Exception {
        ProcessHandle first = track(kit(new StartStep(), "normal").apply().assertSucceeded().output("pid"));
        StepTestKit restart = kit(new RestartStep(), "normal");

        StepRecording r = restart.apply().assertSucceeded();
        ProcessHandle second = track(r.output("pid"));

        assertEquals(first.pid(), ((Number) r.output("previous_pid")).longValue());
        assertNotEquals(first.pid(), second.pid());
        assertFalse(first.isAlive());
        assertTrue(second.isAlive());
        assertEquals(ProbeResult.DONE, restart.probe(r));
        assertTrue(new RestartStep().traits().contains("restarts:{name}"));
    }

    @Test
    void startIsUnchangedWhenAlreadyRunningAndItsUndoStopsWhatItStarted() throws Exception {
        StepTestKit start = kit(new StartStep(), "normal");
        StepRecording first = start.apply().assertSucceeded();
        ProcessHandle app = track(first.output("pid"));

        StepRecording again = kit(new StartStep(), "normal").apply().assertSucceeded();
        assertEquals(List.of("step.started", "step.intent", "step.unchanged"), again.eventNames());

        start.undo(first).assertSucceeded();
        assertFalse(app.isAlive());
    }

    @Test
    void neverSignalsAProcessThatStartedAfterThePidFileWasWritten() throws Exception {
        Process stranger = new ProcessBuilder("sleep", "300").start();
        started.add(stranger.toHandle());
        Path pid = dir.resolve("app.pid");
        Files.writeString(pid, stranger.pid() + "\n");
        Files.setLastModifiedTime(pid, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

        StepRecording r = kit(new StopStep(), "normal").apply().assertSucceeded();

        assertEquals(List.of("step.started", "step.intent", "step.unchanged"), r.eventNames());
        assertTrue(stranger.isAlive());
    }

    @Test
    void infoFindsTheTruststoreInEffectAndFailsWhenItIsNotTheOneTheEnvironmentNames() throws Exception {
        track(kit(new StartStep(), "normal").apply().assertSucceeded().output("pid"));

        StepRecording ok = kit(new InfoStep(), "normal").with("expect_truststore", dir.resolve("actual.p12")).apply()
                .assertSucceeded();
        assertEquals(dir.resolve("actual.p12").toString(), ok.output("java_truststore"));
        assertEquals("-Djavax.net.ssl.trustStore", ok.output("truststore_source"));

        StepRecording drift = kit(new InfoStep(), "normal").with("expect_truststore", dir.resolve("truststore.p12")).apply()
                .assertFailed();
        assertTrue(drift.error().contains("uses truststore " + dir.resolve("actual.p12")), drift.error());
        assertTrue(drift.error().contains("environment names " + dir.resolve("truststore.p12")), drift.error());
    }

    @Test
    void infoFailsWhenTheServiceIsNotRunning() throws Exception {
        StepRecording r = kit(new InfoStep(), "normal").apply().assertFailed();

        assertTrue(r.error().contains("test-app is not running"), r.error());
        assertEquals(Optional.empty(), new PidFile(dir.resolve("app.pid")).live());
    }

    /** Alive and not a zombie: a killed process whose reaper (this JVM, the child subreaper) has not collected it yet runs no more. */
    private static boolean runs(ProcessHandle h) throws Exception {
        for (int i = 0; i < 100 && h.isAlive(); i++) {
            String stat;
            try {
                stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            } catch (java.io.IOException e) {
                return h.isAlive();
            }
            if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                return false;
            }
            Thread.sleep(50);
        }
        return h.isAlive();
    }
}
