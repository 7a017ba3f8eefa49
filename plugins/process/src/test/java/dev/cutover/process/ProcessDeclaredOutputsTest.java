package dev.cutover.process;

import dev.cutover.spi.StepType;
import dev.cutover.testkit.DeclaredOutputs;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process step types run against a real service (a JVM that writes its port): what each outputs is
 * exactly what it declares, on the started, already-running, restarted and stopped paths.
 */
class ProcessDeclaredOutputsTest {
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

    private StepTestKit kit(StepType type) {
        StepTestKit kit = StepTestKit.of(type).with("name", "outputs-app").with("pid_file", dir.resolve("app.pid"));
        if (type instanceof StartStep || type instanceof RestartStep) {
            kit.with("command", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djavax.net.ssl.trustStore=" + dir.resolve("actual.p12"), "-cp", System.getProperty("java.class.path"),
                    TestService.class.getName(), "normal", dir.resolve("app.port").toString(), "0"))
                    .with("ready_port_file", dir.resolve("app.port")).with("ready_timeout", "20s");
        }
        return kit;
    }

    private StepRecording match(StepType type, String... mayBeAbsent) throws Exception {
        return match(kit(type), type, mayBeAbsent);
    }

    private StepRecording match(StepTestKit kit, StepType type, String... mayBeAbsent) throws Exception {
        StepRecording r = kit.apply();
        if (r.succeeded() && r.output("pid") instanceof Number pid) {
            ProcessHandle.of(pid.longValue()).ifPresent(started::add);
        }
        return DeclaredOutputs.assertMatch(type, r, mayBeAbsent);
    }

    @Test
    void startRestartInfoAndStopOutputWhatTheyDeclare() throws Exception {
        match(kit(new InfoStep()).with("expect_running", false), new InfoStep(), "pid", "command", "arguments", "started",
                "java_truststore", "truststore_source", "truststore_type");
        match(new StopStep(), "stopped_pid");
        match(new RestartStep(), "previous_pid");
        match(new StartStep(), "log_file", "ready_ms", "port");
        match(new StopStep());
        match(new StartStep());
        match(new RestartStep());
        match(new InfoStep(), "started");
        match(new StopStep());
    }
}
