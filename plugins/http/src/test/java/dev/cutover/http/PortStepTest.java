package dev.cutover.http;

import dev.cutover.testkit.DeclaredOutputs;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** net.port against real listening and closed sockets. */
class PortStepTest {

    private static ServerSocket listen() throws Exception {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = listen()) {
            return s.getLocalPort();
        }
    }

    @Test
    void passesWhenThePortAcceptsConnections() throws Exception {
        try (ServerSocket s = listen()) {
            StepRecording r = StepTestKit.of(new PortStep()).with("port", s.getLocalPort()).apply();
            DeclaredOutputs.assertMatch(new PortStep(), r);
            assertEquals(true, r.output("open"));
        }
    }

    @Test
    void waitsUntilAServiceStartsListening() throws Exception {
        int port = freePort();
        Thread starter = new Thread(() -> {
            try {
                Thread.sleep(700);
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    Thread.sleep(5_000);
                }
            } catch (Exception e) {
                // the assertion below fails
            }
        });
        starter.start();
        try {
            StepRecording r = StepTestKit.of(new PortStep()).with("port", port).with("deadline", "20s")
                    .with("interval", "100ms").apply().assertSucceeded();
            assertTrue(((Number) r.output("attempts")).longValue() > 1, "it had to wait: " + r.outputs());
        } finally {
            starter.interrupt();
            starter.join();
        }
    }

    @Test
    void failsNamingTheAddressWhenNothingListensByTheDeadline() throws Exception {
        int port = freePort();
        StepRecording r = StepTestKit.of(new PortStep()).with("port", port).with("deadline", "300ms")
                .with("interval", "100ms").apply().assertFailed();
        assertTrue(r.error().startsWith("127.0.0.1:" + port + " does not accept connections"), r.error());
        assertTrue(r.error().contains("Connection refused"), r.error());
    }

    @Test
    void closedPassesWhenNothingListensAndFailsWhileSomethingDoes() throws Exception {
        StepTestKit.of(new PortStep()).with("port", freePort()).with("state", "closed").apply().assertSucceeded();
        try (ServerSocket s = listen()) {
            StepRecording r = StepTestKit.of(new PortStep()).with("port", s.getLocalPort()).with("state", "closed")
                    .with("deadline", "300ms").with("interval", "100ms").apply().assertFailed();
            assertTrue(r.error().contains("still accepts connections"), r.error());
        }
    }

    @Test
    void badLiteralsAreLoadErrors() {
        assertEquals(1, new PortStep().checkLiterals(Map.of("port", "70000")).size());
        assertEquals(1, new PortStep().checkLiterals(Map.of("port", "8080", "state", "up")).size());
    }
}
