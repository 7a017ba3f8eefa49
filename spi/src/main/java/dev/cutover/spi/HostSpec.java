package dev.cutover.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One host of a fleet, as the environment's inventory describes it, with its connection settings
 * resolved (group settings merged under the host's own).
 *
 * @param name        its name in the inventory ({@code ${host.name}})
 * @param transport   how it is reached: {@code ssh} (default) or {@code local} (this machine, for
 *                    rehearsals and tests: commands run here, paths are this machine's)
 * @param address     host name or IP address to connect to (default: the name)
 * @param port        SSH port (default 22)
 * @param user        login user (default: the operator's user name)
 * @param identity    private key file on this machine (null: the SSH agent, then the user's default keys)
 * @param passphrase  the key's passphrase, from a secret source (null: none)
 * @param jump        a jump host to connect through (null: direct)
 * @param groups      the inventory groups the host is in
 * @param values      per-host values ({@code ${host.truststore}}): the group's, overridden by the host's
 * @param settings    timeouts and host-key policy
 * @param options     settings of a transport other than SSH, from the inventory's section of that name (for
 *                    {@code transport: ssm}: region, profile, endpoint); empty for SSH and local hosts
 * @since 0.2
 */
public record HostSpec(String name, String transport, String address, int port, String user, String identity,
                       Secret passphrase, HostSpec jump, java.util.List<String> groups, Map<String, String> values,
                       Settings settings, Map<String, String> options) {

    /** A host with no transport options (SSH and local hosts). */
    public HostSpec(String name, String transport, String address, int port, String user, String identity,
                    Secret passphrase, HostSpec jump, java.util.List<String> groups, Map<String, String> values,
                    Settings settings) {
        this(name, transport, address, port, user, identity, passphrase, jump, groups, values, settings, Map.of());
    }

    public HostSpec {
        Objects.requireNonNull(name, "name");
        transport = transport == null ? "ssh" : transport;
        address = address == null ? name : address;
        port = port == 0 ? 22 : port;
        groups = java.util.List.copyOf(groups == null ? java.util.List.of() : groups);
        values = Map.copyOf(values == null ? Map.of() : values);
        settings = settings == null ? Settings.DEFAULTS : settings;
        options = Map.copyOf(options == null ? Map.of() : options);
    }

    /**
     * Connection settings.
     *
     * @param knownHosts        the {@code known_hosts} file checked strictly (null: {@code ~/.ssh/known_hosts})
     * @param acceptNewHostKeys whether a host not yet in {@code known_hosts} is accepted (and added, and the
     *                          acceptance journaled); a changed key is never accepted
     * @param connectTimeout    connect plus authentication
     * @param keepAlive         interval of keep-alive messages on an idle connection
     * @param keepAliveMax      missed keep-alives before the host counts as lost
     */
    public record Settings(String knownHosts, boolean acceptNewHostKeys, Duration connectTimeout, Duration keepAlive,
                           int keepAliveMax) {
        public static final Settings DEFAULTS = new Settings(null, false, Duration.ofSeconds(10),
                Duration.ofSeconds(15), 4);
    }
}
