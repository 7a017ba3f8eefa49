package dev.cutover.run;

import dev.cutover.runbook.Fleet;
import dev.cutover.runbook.Inventory;
import dev.cutover.spi.HostSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet of a run as its {@code run.started} records it (hosts with their connection settings and values,
 * each block's hosts, forks), so that {@code resume} and a later {@code rollback} reach the same hosts. A key's
 * passphrase is not recorded: recovery reaches such hosts through the SSH agent.
 */
final class FleetRecord {
    private FleetRecord() {
    }

    static Map<String, Object> encode(Fleet fleet) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("forks", fleet.inventory().forks());
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (HostSpec h : fleet.allHosts()) {
            hosts.add(host(h));
        }
        m.put("hosts", hosts);
        Map<String, Object> blocks = new LinkedHashMap<>();
        fleet.hosts().forEach((b, hs) -> blocks.put(b, hs.stream().map(HostSpec::name).toList()));
        m.put("blocks", blocks);
        return m;
    }

    private static Map<String, Object> host(HostSpec h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", h.name());
        m.put("transport", h.transport());
        m.put("address", h.address());
        m.put("port", h.port());
        m.put("user", h.user());
        m.put("identity", h.identity());
        m.put("jump", h.jump() == null ? null : host(h.jump()));
        m.put("groups", h.groups());
        m.put("values", h.values());
        HostSpec.Settings s = h.settings();
        m.put("known_hosts", s.knownHosts());
        m.put("accept_new_host_keys", s.acceptNewHostKeys());
        m.put("connect_timeout_ms", s.connectTimeout().toMillis());
        m.put("keep_alive_ms", s.keepAlive().toMillis());
        m.put("keep_alive_max", s.keepAliveMax());
        m.put("options", h.options());
        return m;
    }

    /** The fleet recorded in a run's header, or {@link Fleet#NONE}. */
    @SuppressWarnings("unchecked")
    static Fleet decode(Object recorded) {
        if (!(recorded instanceof Map<?, ?> m) || !(m.get("hosts") instanceof List<?> hs)) {
            return Fleet.NONE;
        }
        Map<String, HostSpec> specs = new LinkedHashMap<>();
        for (Object o : hs) {
            HostSpec h = host((Map<String, Object>) o);
            specs.put(h.name(), h);
        }
        Map<String, List<HostSpec>> blocks = new LinkedHashMap<>();
        if (m.get("blocks") instanceof Map<?, ?> bs) {
            bs.forEach((b, names) -> blocks.put(String.valueOf(b), ((List<Object>) names).stream()
                    .map(n -> specs.get(String.valueOf(n))).filter(java.util.Objects::nonNull).toList()));
        }
        int forks = m.get("forks") instanceof Number n ? n.intValue() : Inventory.DEFAULT_FORKS;
        return new Fleet(new Inventory(specs, Map.of(), forks, Map.of()), blocks);
    }

    @SuppressWarnings("unchecked")
    private static HostSpec host(Map<String, Object> m) {
        HostSpec.Settings s = new HostSpec.Settings((String) m.get("known_hosts"),
                Boolean.TRUE.equals(m.get("accept_new_host_keys")), millis(m.get("connect_timeout_ms"), 10_000),
                millis(m.get("keep_alive_ms"), 15_000), m.get("keep_alive_max") instanceof Number n ? n.intValue() : 4);
        Map<String, String> values = new LinkedHashMap<>();
        if (m.get("values") instanceof Map<?, ?> v) {
            v.forEach((k, x) -> values.put(String.valueOf(k), String.valueOf(x)));
        }
        return new HostSpec((String) m.get("name"), (String) m.get("transport"), (String) m.get("address"),
                m.get("port") instanceof Number p ? p.intValue() : 0, (String) m.get("user"), (String) m.get("identity"),
                null, m.get("jump") instanceof Map<?, ?> j ? host((Map<String, Object>) j) : null,
                m.get("groups") instanceof List<?> g ? g.stream().map(String::valueOf).toList() : List.of(), values, s,
                m.get("options") instanceof Map<?, ?> o ? strings(o) : Map.of());
    }

    private static Map<String, String> strings(Map<?, ?> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), String.valueOf(x)));
        return out;
    }

    private static Duration millis(Object v, long dflt) {
        return Duration.ofMillis(v instanceof Number n ? n.longValue() : dflt);
    }
}
