package dev.cutover.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.spi.Host;
import dev.cutover.spi.HostConnector;
import dev.cutover.spi.HostSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ssm transport through the real AWS SDK against the fake SSM on WireMock, whose AWS-RunShellScript
 * really runs the script with /bin/sh here: what the host sends is what produces the output checked.
 */
class SsmHostTest {
    private static final String ID = "i-0123456789abcdef0";
    private static FakeAwsServer aws;
    private SsmConnector connector;

    @TempDir
    Path dir;

    @BeforeAll
    static void startFakeAws() {
        aws = FakeAwsServer.start();
    }

    @AfterAll
    static void stopFakeAws() {
        aws.close();
    }

    @BeforeEach
    void fresh() {
        aws.reset();
        aws.ssm.runScripts = true;
        connector = new SsmConnector(AwsClients.withBackoff(Duration.ofMillis(5)), name -> null, Duration.ofMillis(10),
                Duration.ofMillis(40));
    }

    @AfterEach
    void close() {
        connector.close();
    }

    private static HostSpec spec(String name, String instance) {
        return new HostSpec(name, "ssm", instance, 0, null, null, null, null, List.of(), Map.of("dir", "/srv"), null,
                Map.of("region", "us-east-1", "endpoint", aws.endpoint()));
    }

    private Host host() throws Exception {
        return connector.connect(spec("pay-4", ID), (h, t, f) -> {
        });
    }

    private static Host.Command cmd(List<String> argv, Duration timeout) {
        return new Host.Command(argv, null, null, timeout, "run-1/step-1", null);
    }

    @Test
    void argvSurvivesTheShellWordForWord() throws Exception {
        List<String> words = List.of("it's", "$HOME", "a  b", "`id`", "\"q\"", "", "new\nline", "*", "back\\slash",
                "ü €", "; rm -rf /", "$(echo x)", "!x", "'");
        List<String> argv = new ArrayList<>(List.of("printf", "[%s]\\n"));
        argv.addAll(words);

        Host.Exec e = host().run(cmd(argv, Duration.ofSeconds(20)));

        StringBuilder expected = new StringBuilder();
        words.forEach(w -> expected.append('[').append(w).append("]\n"));
        assertEquals(0, e.exitCode(), e.stderrText());
        assertEquals(expected.toString(), e.stdoutText());
        assertEquals("", e.stderrText());
        assertFalse(e.timedOut());
        JsonNode sent = aws.ssm.sent.get(0);
        assertEquals("AWS-RunShellScript", sent.path("DocumentName").asText());
        assertEquals(ID, sent.path("InstanceIds").get(0).asText());
        assertEquals(1, sent.path("InstanceIds").size());
        assertEquals("20", sent.path("Parameters").path("executionTimeout").get(0).asText());
        assertTrue(aws.operations().contains("GetCommandInvocation"));
    }

    @Test
    void exitCodeStdoutAndStderrAreTheCommandsOwn() throws Exception {
        Host.Exec e = host().run(cmd(List.of("sh", "-c", "printf out; printf err >&2; exit 7"), null));

        assertEquals(7, e.exitCode());
        assertEquals("out", e.stdoutText());
        assertEquals("err", e.stderrText());
        assertEquals("172800", aws.ssm.sent.get(0).path("Parameters").path("executionTimeout").get(0).asText(),
                "no timeout: SSM's longest");
    }

    @Test
    void runsInTheWorkingDirectoryAndSaysWhenItIsMissing() throws Exception {
        Path d = Files.createDirectories(dir.resolve("work dir"));
        Host h = host();

        Host.Exec e = h.run(new Host.Command(List.of("pwd"), null, null, null, "t", d.toString()));
        assertEquals(d.toRealPath() + "\n", e.stdoutText());

        Host.Exec missing = h.run(new Host.Command(List.of("pwd"), null, null, null, "t", dir + "/nope"));
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderrText().contains("cutover: cannot enter the working directory " + dir + "/nope"),
                missing.stderrText());
    }

    @Test
    void timeoutCancelsTheCommandAndSaysSo() throws Exception {
        Path started = dir.resolve("started");
        Path finished = dir.resolve("finished");
        Host.Exec e = host().run(cmd(List.of("sh", "-c", "touch \"$0\"; sleep 20; touch \"$1\"", started.toString(),
                finished.toString()), Duration.ofMillis(600)));

        assertTrue(e.timedOut());
        assertEquals(-1, e.exitCode());
        assertEquals(1, aws.ssm.cancelled.size(), aws.operations().toString());
        String commandId = aws.ssm.cancelled.get(0);
        assertTrue(e.stderrText().contains("ran past its timeout of 600ms on pay-4 (" + ID + "); sent CancelCommand "
                + "for SSM command " + commandId), e.stderrText());
        assertTrue(Files.exists(started), "the command did start");
        Thread.sleep(300);
        assertFalse(Files.exists(finished), "the cancelled command went on running");
        assertEquals("1", aws.ssm.sent.get(0).path("Parameters").path("executionTimeout").get(0).asText());
    }

    @Test
    void interruptCancelsTheCommandAndIsRethrown() throws Exception {
        Host h = host();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                h.run(cmd(List.of("sleep", "20"), null));
            } catch (Throwable x) {
                thrown.set(x);
            }
        });
        t.start();
        for (int i = 0; i < 1000 && !aws.operations().contains("GetCommandInvocation"); i++) {
            Thread.sleep(10);
        }
        assertTrue(aws.operations().contains("GetCommandInvocation"), "the command was sent and polled");
        t.interrupt();
        t.join(10_000);

        assertFalse(t.isAlive());
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("cancelled SSM command"), thrown.get().getMessage());
        assertEquals(1, aws.ssm.cancelled.size());
    }

    @Test
    void outputCutBySsmIsFlaggedNotPassedOffAsWhole() throws Exception {
        Host.Exec e = host().run(cmd(List.of("sh", "-c", "head -c 30000 /dev/zero | tr '\\0' x; echo done >&2"),
                null));

        assertEquals(0, e.exitCode());
        assertEquals(FakeSsm.INLINE_LIMIT, e.stdoutText().length());
        assertTrue(e.stderrText().startsWith("done\n"), e.stderrText());
        assertTrue(e.stderrText().contains("stdout TRUNCATED: SSM returns only the first 24,000 characters"),
                e.stderrText());
        assertFalse(e.stderrText().contains("stderr TRUNCATED"), e.stderrText());
    }

    @Test
    void outputJustUnderTheLimitIsWhole() throws Exception {
        Host.Exec e = host().run(cmd(List.of("sh", "-c", "head -c 23900 /dev/zero | tr '\\0' y"), null));

        assertEquals(23_900, e.stdoutText().length());
        assertEquals("", e.stderrText());
    }

    @Test
    void stdinIsRefusedAndNothingIsSent() throws Exception {
        Host h = host();
        aws.wireMock().resetRequests();

        IOException e = assertThrows(IOException.class, () -> h.run(new Host.Command(List.of("cat"),
                "s3cret-pass".getBytes(StandardCharsets.UTF_8), null, null, "t", null)));

        assertTrue(e.getMessage().contains("it carries input on stdin, and SSM keeps every command's parameters in its "
                + "history (SSM console, CloudTrail)"), e.getMessage());
        assertTrue(e.getMessage().contains("transport: ssh"), e.getMessage());
        assertEquals(List.of(), aws.operations());
        assertTrue(aws.ssm.sent.isEmpty());
    }

    @Test
    void environmentIsRefusedNamingTheVariablesButNotTheirValues() throws Exception {
        Host h = host();
        aws.wireMock().resetRequests();

        IOException e = assertThrows(IOException.class, () -> h.run(new Host.Command(List.of("env"), null,
                Map.of("DB_PASSWORD", "hunter2-secret", "MODE", "x"), null, "t", null)));

        assertTrue(e.getMessage().contains("environment variables DB_PASSWORD, MODE"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertEquals(List.of(), aws.operations());
    }

    @Test
    void fileOperationsAreRefused() throws Exception {
        Host h = host();
        aws.wireMock().resetRequests();
        Path f = Files.writeString(dir.resolve("f"), "x");
        List<ThrowingOp> ops = List.of(() -> h.read(f.toString()), () -> h.stat(f.toString()),
                () -> h.delete(f.toString()), () -> h.sha256(f.toString()),
                () -> h.replace(f.toString(), new byte[] {1}, PosixFilePermissions.fromString("rw-------")));

        for (ThrowingOp op : ops) {
            IOException e = assertThrows(IOException.class, op::run);
            assertTrue(e.getMessage().contains("over SSM only commands run; file steps need SSH"), e.getMessage());
        }
        assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(f));
        assertEquals(List.of(), aws.operations());
    }

    @FunctionalInterface
    private interface ThrowingOp {
        void run() throws Exception;
    }

    @Test
    void anOfflineOrUnmanagedInstanceCannotBeConnected() {
        aws.ssm.pingStatus.put("i-0aaaaaaaaaaaaaaa1", "ConnectionLost");
        aws.ssm.unmanaged.add("i-0aaaaaaaaaaaaaaa2");
        HostConnector.HostKeyListener none = (h, t, f) -> {
        };

        IOException lost = assertThrows(IOException.class, () -> connector.connect(spec("a", "i-0aaaaaaaaaaaaaaa1"),
                none));
        IOException unknown = assertThrows(IOException.class, () -> connector.connect(spec("b", "i-0aaaaaaaaaaaaaaa2"),
                none));

        assertTrue(lost.getMessage().startsWith("instance i-0aaaaaaaaaaaaaaa1 is ConnectionLost in SSM (us-east-1 via "),
                lost.getMessage());
        assertTrue(unknown.getMessage().startsWith("instance i-0aaaaaaaaaaaaaaa2 is not managed by SSM in us-east-1"),
                unknown.getMessage());
        assertEquals(List.of("DescribeInstanceInformation", "DescribeInstanceInformation"), aws.operations());
    }

    @Test
    void serviceLoaderFindsTheSsmTransport() {
        List<String> transports = new ArrayList<>();
        ServiceLoader.load(HostConnector.class).forEach(c -> {
            transports.add(c.transport());
            c.close();
        });
        assertTrue(transports.contains("ssm"), transports.toString());
    }
}
