package dev.cutover.http;

import dev.cutover.spi.Check;
import dev.cutover.spi.Host;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code net.port} (read-only): a TCP port accepts connections ({@code state: open}), or stops accepting
 * them ({@code state: closed}), within a deadline. From this machine it connects itself; on a fleet host it
 * asks that host's bash to connect, so "open" means open as seen from that host.
 */
public final class PortStep implements Check {

    @Override
    public String id() {
        return "net.port";
    }

    @Override
    public String description() {
        return "Wait until a TCP port accepts connections (state: open) or refuses them (state: closed), polling "
                + "until a deadline; read-only.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.optional("host", InputType.STRING, "127.0.0.1", "the host name or address to connect to"),
                InputSpec.required("port", InputType.INT, "the TCP port"),
                InputSpec.optional("state", InputType.STRING, "open", "open (accepts connections) or closed"),
                InputSpec.optional("deadline", InputType.DURATION, "30s", "how long to keep trying"),
                InputSpec.optional("interval", InputType.DURATION, "500ms", "pause between attempts"),
                InputSpec.optional("connect_timeout", InputType.DURATION, "2s", "how long one connection attempt may take"));
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("address", "host:port checked"),
                OutputSpec.bool("open", "whether the port accepted the last connection attempt"),
                OutputSpec.integer("attempts", "connection attempts made"));
    }

    @Override
    public List<String> checkLiterals(Map<String, Object> rawWith) {
        Object state = rawWith.get("state");
        if (state != null && !state.toString().contains("${") && !List.of("open", "closed").contains(
                state.toString().toLowerCase(Locale.ROOT))) {
            return List.of("input 'state': '" + state + "' must be open or closed");
        }
        Object port = rawWith.get("port");
        if (port != null && !port.toString().contains("${")) {
            try {
                int p = Integer.parseInt(port.toString().trim());
                if (p < 1 || p > 65535) {
                    return List.of("input 'port': " + p + " is not a TCP port (1-65535)");
                }
            } catch (NumberFormatException e) {
                return List.of("input 'port': '" + port + "' is not a port number");
            }
        }
        return List.of();
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        return Plan.of("would check that " + in.string("host") + ":" + in.integer("port") + " is "
                + in.string("state") + " within " + in.string("deadline"));
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException, InterruptedException {
        Inputs in = context.inputs();
        String host = in.string("host");
        long port = in.integer("port");
        if (port < 1 || port > 65535) {
            throw new StepFailedException("input 'port': " + port + " is not a TCP port (1-65535)");
        }
        String state = in.string("state").toLowerCase(Locale.ROOT);
        if (!state.equals("open") && !state.equals("closed")) {
            throw new StepFailedException("input 'state': '" + state + "' must be open or closed");
        }
        boolean wantOpen = state.equals("open");
        Duration deadline = in.duration("deadline");
        Duration interval = in.duration("interval");
        Duration connectTimeout = in.duration("connect_timeout");
        long end = System.nanoTime() + deadline.toNanos();
        int attempts = 0;
        String last;
        boolean open;
        while (true) {
            attempts++;
            last = attempt(context, host, (int) port, connectTimeout);
            open = last == null;
            if (open == wantOpen || System.nanoTime() >= end) {
                break;
            }
            Thread.sleep(Math.max(1, Math.min(interval.toMillis(), (end - System.nanoTime()) / 1_000_000)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("address", host + ":" + port);
        out.put("open", open);
        out.put("attempts", (long) attempts);
        if (open != wantOpen) {
            throw new StepFailedException(host + ":" + port + (wantOpen ? " does not accept connections ("
                    + last + ")" : " still accepts connections") + " after " + attempts + " attempts over "
                    + in.string("deadline"), out, null);
        }
        return StepResult.done(out, host + ":" + port + (open ? " accepts connections" : " refuses connections"));
    }

    /** Null when a connection was accepted, else why not. */
    private static String attempt(StepContext context, String host, int port, Duration timeout)
            throws InterruptedException {
        Host on = context.host();
        if (!on.isLocal()) {
            List<String> argv = List.of("timeout", String.valueOf(Math.max(1, timeout.toSeconds())), "bash", "-c",
                    "exec 3<>/dev/tcp/\"$1\"/\"$2\"", "net.port", host, String.valueOf(port));
            try {
                Host.Exec r = on.run(Host.Command.of(argv, timeout.plusSeconds(5), context.processTag()));
                return r.exitCode() == 0 ? null : "not reachable from " + on.name() + ": " + r.stderrText().strip();
            } catch (IOException e) {
                return "cannot check from " + on.name() + ": " + e.getMessage();
            }
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return null;
        } catch (java.net.UnknownHostException e) {
            return "unknown host " + host;
        } catch (java.net.SocketTimeoutException e) {
            return "no answer within " + timeout.toMillis() + " ms";
        } catch (IOException e) {
            return e.getMessage() == null ? "not reachable" : e.getMessage();
        }
    }
}
