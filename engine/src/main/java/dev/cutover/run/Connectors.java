package dev.cutover.run;

import dev.cutover.spi.Host;
import dev.cutover.spi.HostConnector;
import dev.cutover.spi.HostSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The transports one run reaches its fleet hosts with: {@code local} (built in: this machine, each host
 * with its own values) and every {@link HostConnector} found with {@link ServiceLoader} (or given by a
 * test). One connector per transport per run; closed when the run ends.
 */
public final class Connectors implements AutoCloseable {
    /** The built-in transport: commands run here, paths are this machine's. */
    public static final String LOCAL = "local";

    private final Map<String, HostConnector> byTransport = new LinkedHashMap<>();

    private Connectors(List<HostConnector> connectors) {
        byTransport.put(LOCAL, new LocalConnector());
        for (HostConnector c : connectors) {
            byTransport.putIfAbsent(c.transport(), c);
        }
    }

    /** The connectors found on the class path (a fresh set: the caller closes it). */
    public static Supplier<Connectors> discovered() {
        return () -> {
            List<HostConnector> found = new ArrayList<>();
            ServiceLoader.load(HostConnector.class).forEach(found::add);
            return new Connectors(found);
        };
    }

    /** These connectors (and {@code local}); for tests and embedders. */
    public static Supplier<Connectors> of(Supplier<List<HostConnector>> connectors) {
        return () -> new Connectors(connectors.get());
    }

    /** The transports available on the class path, for {@code validate} and {@code plan}. */
    public static Set<String> availableTransports() {
        try (Connectors c = discovered().get()) {
            return c.transports();
        }
    }

    /** The transports whose hosts run commands only (no files), for {@code validate}, {@code plan} and runs. */
    public static Set<String> commandOnlyTransports() {
        try (Connectors c = discovered().get()) {
            Set<String> out = new java.util.TreeSet<>();
            c.byTransport.forEach((t, connector) -> {
                if (!connector.offersFiles()) {
                    out.add(t);
                }
            });
            return out;
        }
    }

    public Set<String> transports() {
        return Set.copyOf(byTransport.keySet());
    }

    /** Connects to a host through its transport's connector. */
    Host connect(HostSpec spec, HostConnector.HostKeyListener listener) throws IOException, InterruptedException {
        HostConnector c = byTransport.get(spec.transport());
        if (c == null) {
            throw new IOException("no connector for transport '" + spec.transport() + "' (available: "
                    + String.join(", ", byTransport.keySet()) + ")");
        }
        return c.connect(spec, listener);
    }

    @Override
    public void close() {
        for (HostConnector c : byTransport.values()) {
            try {
                c.close();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Connectors.class).debug("closing connector {}", c.transport(), e);
            }
        }
    }

    /** {@code transport: local}: this machine, under the host's inventory name and with its values. */
    static final class LocalConnector implements HostConnector {
        @Override
        public String transport() {
            return LOCAL;
        }

        @Override
        public Host connect(HostSpec spec, HostKeyListener listener) {
            return new FleetLocalHost(spec.name(), spec.values());
        }

        @Override
        public void close() {
            // nothing is open
        }
    }
}
