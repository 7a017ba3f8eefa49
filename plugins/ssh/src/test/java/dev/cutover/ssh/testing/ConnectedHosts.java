package dev.cutover.ssh.testing;

import dev.cutover.spi.Host;
import dev.cutover.ssh.SshConnector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SshdHosts} with an {@link SshConnector} already connected to each of them (strict host keys, no new key
 * accepted), for tests that run steps on fleet hosts: start it in {@code @BeforeAll}, close it in {@code @AfterAll}.
 */
public final class ConnectedHosts implements AutoCloseable {
    private final SshdHosts hosts;
    private final SshConnector connector;
    private final List<Host> connected = new ArrayList<>();

    private ConnectedHosts(SshdHosts hosts, SshConnector connector) {
        this.hosts = hosts;
        this.connector = connector;
    }

    public static ConnectedHosts start(int n) throws IOException, InterruptedException {
        ConnectedHosts c = new ConnectedHosts(SshdHosts.start(n), new SshConnector());
        try {
            for (int i = 0; i < n; i++) {
                c.connected.add(c.connector.connect(c.hosts.spec(i), (h, t, f) -> {
                    throw new AssertionError("no host key may be accepted: " + h + " " + f);
                }));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
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
        connector.close();
        hosts.close();
    }
}
