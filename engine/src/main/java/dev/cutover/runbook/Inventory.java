package dev.cutover.runbook;

import dev.cutover.spi.HostSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hosts an environment names ({@code inventory:} in the environment file, or a file it names): each
 * host with its connection settings and per-host values resolved (the {@code ssh:} defaults, then its
 * groups', then its own), the groups, and how many hosts a batch may work on at once.
 *
 * @param hosts     every host by name, in the order the inventory lists them
 * @param groups    group name to its hosts, in order
 * @param forks     how many hosts of a batch are worked on at once
 * @param locations where each host and group is declared
 */
public record Inventory(Map<String, HostSpec> hosts, Map<String, List<String>> groups, int forks,
                        Map<String, Location> locations) {

    /** An environment without hosts. */
    public static final Inventory NONE = new Inventory(Map.of(), Map.of(), 1, Map.of());

    /** The default number of hosts worked on at once. */
    public static final int DEFAULT_FORKS = 10;

    public Inventory {
        hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        groups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        locations = Map.copyOf(locations);
        forks = Math.max(1, forks);
    }

    public boolean isEmpty() {
        return hosts.isEmpty();
    }

    /**
     * The hosts a {@code hosts:} block names (groups expanded, {@code all} for every host), each once, in
     * the order written; names the inventory does not know go to {@code unknown}.
     */
    public List<HostSpec> select(List<String> names, List<String> unknown) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (groups.containsKey(n)) {
                out.addAll(groups.get(n));
            } else if (hosts.containsKey(n)) {
                out.add(n);
            } else if (n.equals("all")) {
                out.addAll(hosts.keySet());
            } else {
                unknown.add(n);
            }
        }
        List<HostSpec> specs = new ArrayList<>();
        out.forEach(n -> specs.add(hosts.get(n)));
        return specs;
    }

    /** Every host and group name, for "did you mean". */
    public List<String> names() {
        List<String> all = new ArrayList<>(groups.keySet());
        all.addAll(hosts.keySet());
        return all;
    }
}
