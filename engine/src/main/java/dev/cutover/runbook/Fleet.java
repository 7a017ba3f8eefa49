package dev.cutover.runbook;

import dev.cutover.spi.HostSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A runbook's {@code hosts:} blocks resolved against an environment's inventory: which hosts each block
 * runs on, batch by batch. Built before anything runs; every problem (an unknown host or group, a host
 * missing a {@code ${host.VALUE}} a step uses, a transport nothing provides) is a load error.
 *
 * @param inventory the environment's inventory
 * @param hosts     block id to the hosts it runs on, in order
 */
public record Fleet(Inventory inventory, Map<String, List<HostSpec>> hosts) {

    /** A runbook without blocks. */
    public static final Fleet NONE = new Fleet(Inventory.NONE, Map.of());

    public Fleet {
        hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
    }

    /** The hosts of a block. */
    public List<HostSpec> hostsOf(HostBlock block) {
        return hosts.getOrDefault(block.id(), List.of());
    }

    /** The batches of a block, by host name. */
    public List<List<String>> batches(HostBlock block) {
        return block.rolling().batches(hostsOf(block).stream().map(HostSpec::name).toList());
    }

    /** Every host any block runs on, each once, in order. */
    public List<HostSpec> allHosts() {
        Map<String, HostSpec> all = new LinkedHashMap<>();
        hosts.values().forEach(l -> l.forEach(h -> all.putIfAbsent(h.name(), h)));
        return List.copyOf(all.values());
    }

    /**
     * Resolves the runbook's blocks.
     *
     * @param transports the transports the run can reach hosts with ({@code local}, {@code ssh}, ...)
     */
    public static Fleet resolve(Runbook rb, Inventory inventory, Set<String> transports) throws InvalidRunbookException {
        return resolve(rb, inventory, transports, Set.of(), uses -> Set.of());
    }

    /**
     * As {@link #resolve(Runbook, Inventory, Set)}, and a step (or its undo) whose type reads or writes the host's
     * files ({@link dev.cutover.spi.Traits#HOST_FILES}) is refused on a host of a transport that runs commands only.
     *
     * @param commandOnly the transports whose hosts offer no files
     * @param traitsOf    a step type's traits, by its id (empty for an unknown type)
     */
    public static Fleet resolve(Runbook rb, Inventory inventory, Set<String> transports, Set<String> commandOnly,
                                java.util.function.Function<String, Set<String>> traitsOf)
            throws InvalidRunbookException {
        if (!rb.hasFleet()) {
            return new Fleet(inventory, Map.of());
        }
        List<Problem> problems = new ArrayList<>();
        Map<String, List<HostSpec>> out = new LinkedHashMap<>();
        for (HostBlock b : rb.blocks()) {
            if (inventory.isEmpty()) {
                problems.add(new Problem(b.location(), b.id(), "this block runs on hosts " + b.hosts()
                        + ", but the environment has no inventory", "add 'inventory:' with 'hosts:' (and 'groups:') "
                        + "to the environment file (--env NAME or --env-file FILE)"));
                continue;
            }
            List<String> unknown = new ArrayList<>();
            List<HostSpec> hs = inventory.select(b.hosts(), unknown);
            for (String u : unknown) {
                String near = Suggest.closest(u, inventory.names());
                problems.add(new Problem(b.location(), b.id(), "hosts: '" + u + "' is neither a host nor a group of "
                        + "the inventory", (near != null ? "did you mean '" + near + "'? " : "") + "groups: "
                        + String.join(", ", inventory.groups().keySet())));
            }
            if (hs.isEmpty() && unknown.isEmpty()) {
                problems.add(new Problem(b.location(), b.id(), "hosts: " + b.hosts() + " selects no host", ""));
            }
            for (HostSpec h : hs) {
                if (!transports.contains(h.transport())) {
                    problems.add(new Problem(inventory.locations().getOrDefault(h.name(), b.location()), b.id(),
                            "host '" + h.name() + "' uses transport '" + h.transport() + "', which this cutover does "
                                    + "not provide", "available: " + String.join(", ", transports)));
                }
            }
            for (StepDef s : b.allSteps()) {
                checkValues(s, hs, problems);
                checkFiles(s, hs, inventory, commandOnly, traitsOf, problems);
            }
            out.put(b.id(), hs);
        }
        if (!problems.isEmpty()) {
            throw new InvalidRunbookException(problems);
        }
        return new Fleet(inventory, out);
    }

    /** A step that works on the host's files cannot run on a host whose transport runs commands only. */
    private static void checkFiles(StepDef s, List<HostSpec> hosts, Inventory inventory, Set<String> commandOnly,
                                   java.util.function.Function<String, Set<String>> traitsOf, List<Problem> problems) {
        if (commandOnly.isEmpty()) {
            return;
        }
        List<String> uses = new ArrayList<>(List.of(s.uses()));
        if (s.undo() != null) {
            uses.add(s.undo().uses());
        }
        String needs = uses.stream().filter(u -> traitsOf.apply(u).contains(dev.cutover.spi.Traits.HOST_FILES))
                .findFirst().orElse(null);
        if (needs == null) {
            return;
        }
        List<String> without = hosts.stream().filter(h -> commandOnly.contains(h.transport()))
                .map(h -> h.name() + " (" + h.transport() + ")").toList();
        if (!without.isEmpty()) {
            problems.add(new Problem(s.location(), s.id(), "'" + needs + "'" + (needs.equals(s.uses()) ? "" : " (its undo)")
                    + " reads and writes files on the host, and " + String.join(", ", without)
                    + (without.size() == 1 ? " is" : " are") + " reached by a transport that runs commands only",
                    "reach those hosts over SSH (transport: ssh), or run this block on other hosts"));
        }
    }

    /** Every {@code ${host.VALUE}} a step uses must be set for every host it runs on. */
    private static void checkValues(StepDef s, List<HostSpec> hosts, List<Problem> problems) {
        Set<String> used = new LinkedHashSet<>();
        List<Object> raw = new ArrayList<>(List.of(s.with()));
        if (s.undo() != null) {
            raw.add(s.undo().with());
        }
        if (s.probe() != null) {
            raw.add(s.probe().with());
        }
        List<String> strings = new ArrayList<>();
        raw.forEach(r -> RunbookChecker.collectStrings(r, strings));
        for (String str : strings) {
            for (Reference r : Reference.findAll(str)) {
                if (r.kind().equals("host") && !r.name().equals("name") && r.path().isEmpty()) {
                    used.add(r.name());
                }
            }
        }
        if (s.when() != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bhost\\.([A-Za-z_][A-Za-z0-9_]*)")
                    .matcher(s.when());
            while (m.find()) {
                if (!m.group(1).equals("name")) {
                    used.add(m.group(1));
                }
            }
        }
        for (String v : used) {
            List<String> missing = hosts.stream().filter(h -> !h.values().containsKey(v)).map(HostSpec::name).toList();
            if (!missing.isEmpty()) {
                problems.add(new Problem(s.location(), s.id(), "${host." + v + "}: host" + (missing.size() == 1 ? " "
                        : "s ") + String.join(", ", missing) + " ha" + (missing.size() == 1 ? "s" : "ve")
                        + " no value '" + v + "' in the inventory", "add 'values: { " + v + ": ... }' to "
                        + (missing.size() == 1 ? "that host" : "those hosts") + " or to their group"));
            }
        }
    }
}
