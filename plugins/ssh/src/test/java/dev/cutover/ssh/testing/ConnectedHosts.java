package dev.cutover.ssh.testing;

import dev.cutover.spi.Host;
import dev.cutover.ssh.SshConnector;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SshdHosts} with an {@link SshConnector} connected to each of them (strict host keys, no new key
 * accepted), for a test class that runs steps on fleet hosts, as a JUnit extension:
 * {@code @RegisterExtension static final ConnectedHosts FLEET = ConnectedHosts.of(1);} starts them before the
 * class's tests and stops them after.
 */
public final class ConnectedHosts implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private final int count;
    private SshdHosts hosts;
    private SshConnector connector;
    private final List<Host> connected = new ArrayList<>();

    private ConnectedHosts(int count) {
        this.count = count;
    }

    /** {@code n} hosts, started when the test class starts. */
    public static ConnectedHosts of(int n) {
        return new ConnectedHosts(n);
    }

    /** {@code n} hosts, started and connected now. */
    public static ConnectedHosts start(int n) throws IOException, InterruptedException {
        ConnectedHosts c = new ConnectedHosts(n);
        c.open();
        return c;
    }

    private void open() throws IOException, InterruptedException {
        hosts = SshdHosts.start(count);
        connector = new SshConnector();
        try {
            for (int i = 0; i < count; i++) {
                connected.add(connector.connect(hosts.spec(i), (h, t, f) -> {
                    throw new AssertionError("no host key may be accepted: " + h + " " + f);
                }));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        open();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Host {@code i}, connected. */
    public Host host(int i) {
        return connected.get(i);
    }

    /** The sshd processes behind them. */
    public SshdHosts sshd() {
        return hosts;
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.close();
        }
        if (hosts != null) {
            hosts.close();
        }
        connected.clear();
    }
}
