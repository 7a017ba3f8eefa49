package dev.cutover.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.spi.Durations;
import dev.cutover.spi.HostSpec;
import dev.cutover.spi.Secret;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the {@code inventory:} of an environment file (a mapping, or the path of a file holding one) into
 * an {@link Inventory}. Every problem is collected with its file:line:column, before anything runs.
 */
public final class InventoryReader {
    static final List<String> TOP = List.of("hosts", "groups", "ssh", "ssm");
    static final List<String> HOST = List.of("address", "port", "user", "identity", "passphrase_secret", "jump",
            "transport", "values");
    static final List<String> GROUP = List.of("hosts", "address", "port", "user", "identity", "passphrase_secret",
            "jump", "transport", "values");
    static final List<String> SSH = List.of("known_hosts", "accept_new_host_keys", "connect_timeout", "keep_alive",
            "keep_alive_max", "forks", "user", "port", "identity", "passphrase_secret", "jump", "transport");
    /** Settings of {@code transport: ssm} hosts (AWS Systems Manager), handed to the connector as options. */
    static final List<String> SSM = List.of("region", "profile", "endpoint");
    private static final String SSM_INSTANCE = "(i|mi)-[0-9a-f]{8,17}";
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]*";

    private final Function<String, Secret> secrets;
    private final List<Problem> problems = new ArrayList<>();
    private YamlTree tree;
    private Path base;

    /** @param secrets resolves a {@code passphrase_secret} source ({@code env:NAME}, {@code file:PATH}, ...) */
    public InventoryReader(Function<String, Secret> secrets) {
        this.secrets = secrets;
    }

    /**
     * The inventory of an environment file; {@link Inventory#NONE} when it has none.
     *
     * @throws InvalidRunbookException naming every problem with its file:line:column
     */
    public Inventory read(ParamResolver.EnvironmentFile env) throws InvalidRunbookException {
        if (env == null || !env.metadata().containsKey("inventory")) {
            return Inventory.NONE;
        }
        YamlTree envTree = parse(env.file());
        JsonNode root = envTree.root();
        JsonNode inv = root.path("inventory");
        tree = envTree;
        base = env.file().getParent();
        String ptr = "/inventory";
        if (inv.isTextual()) {
            Path f = base.resolve(inv.asText());
            tree = parse(f);
            base = f.toAbsolutePath().getParent();
            inv = tree.root();
            ptr = "";
            if (inv.isObject() && inv.has("inventory")) {
                inv = inv.get("inventory");
                ptr = "/inventory";
            }
        }
        if (!inv.isObject()) {
            throw new InvalidRunbookException(List.of(new Problem(tree.at(ptr), null,
                    "the inventory must be a mapping with 'hosts:' (and optionally 'groups:' and 'ssh:'), or the path"
                            + " of a file holding one", "write e.g. inventory: { hosts: { web-1: { address: 10.0.0.1 } } }")));
        }
        Inventory out = inventory(inv, ptr);
        if (!problems.isEmpty()) {
            throw new InvalidRunbookException(List.copyOf(problems));
        }
        return out;
    }

    private static YamlTree parse(Path file) throws InvalidRunbookException {
        List<Problem> p = new ArrayList<>();
        String text;
        try {
            text = BoundedFiles.readText(file, BoundedFiles.INPUT_LIMIT, "inventory file");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidRunbookException(List.of(new Problem(Location.unknown(file), null, "no such inventory "
                    + "file", "check 'inventory:' in the environment file (relative to that file)")));
        } catch (IOException e) {
            throw new InvalidRunbookException(List.of(new Problem(Location.unknown(file), null, "cannot read the "
                    + "inventory file: " + e.getMessage(), "check the path and its permissions")));
        }
        YamlTree t = YamlTree.parse(file, text, p);
        if (!p.isEmpty() || t.root() == null) {
            throw new InvalidRunbookException(p);
        }
        return t;
    }

    private Inventory inventory(JsonNode inv, String ptr) {
        keys(inv, ptr, TOP, "the inventory");
        JsonNode ssh = inv.path("ssh");
        Map<String, Object> defaults = new LinkedHashMap<>();
        HostSpec.Settings settings = HostSpec.Settings.DEFAULTS;
        int forks = Inventory.DEFAULT_FORKS;
        if (!ssh.isMissingNode()) {
            if (!ssh.isObject()) {
                problems.add(new Problem(tree.at(ptr + "/ssh"), null, "ssh: must be a mapping", "write e.g. ssh: { "
                        + "known_hosts: ~/.ssh/known_hosts, forks: 10 }"));
            } else {
                keys(ssh, ptr + "/ssh", SSH, "ssh:");
                settings = settings(ssh, ptr + "/ssh");
                if (ssh.has("forks")) {
                    forks = positive(ssh.get("forks"), ptr + "/ssh/forks", 1000);
                }
                connection(ssh, ptr + "/ssh", defaults);
            }
        }
        Map<String, String> ssmOptions = ssm(inv.path("ssm"), ptr + "/ssm");
        JsonNode hostsNode = inv.path("hosts");
        Map<String, JsonNode> hostNodes = new LinkedHashMap<>();
        Map<String, Location> locations = new LinkedHashMap<>();
        if (!hostsNode.isObject()) {
            problems.add(new Problem(tree.at(ptr + (hostsNode.isMissingNode() ? "" : "/hosts")), null,
                    "the inventory needs 'hosts:', a mapping of host names to their settings",
                    "write e.g. hosts: { web-1: { address: 10.0.0.1, user: deploy } }"));
        } else {
            hostsNode.properties().forEach(e -> {
                String hp = ptr + "/hosts/" + YamlTree.escape(e.getKey());
                locations.put(e.getKey(), tree.keyAt(hp));
                if (!e.getKey().matches(NAME)) {
                    problems.add(new Problem(tree.keyAt(hp), null, "host name '" + e.getKey() + "' is not valid",
                            "use letters, digits, '.', '_' and '-'"));
                }
                if (!e.getValue().isNull() && !e.getValue().isObject()) {
                    problems.add(new Problem(tree.at(hp), null, "host '" + e.getKey() + "' must be a mapping of "
                            + "settings", "write e.g. " + e.getKey() + ": { address: 10.0.0.1 }"));
                    return;
                }
                keys(e.getValue(), hp, HOST, "a host");
                hostNodes.put(e.getKey(), e.getValue());
            });
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Map<String, Map<String, Object>> groupSettings = new LinkedHashMap<>();
        JsonNode groupsNode = inv.path("groups");
        if (!groupsNode.isMissingNode() && !groupsNode.isObject()) {
            problems.add(new Problem(tree.at(ptr + "/groups"), null, "groups: must be a mapping of group names",
                    "write e.g. groups: { payment-service: { hosts: [pay-1, pay-2] } }"));
        } else if (groupsNode.isObject()) {
            groupsNode.properties().forEach(e -> {
                String gp = ptr + "/groups/" + YamlTree.escape(e.getKey());
                locations.putIfAbsent(e.getKey(), tree.keyAt(gp));
                if (!e.getKey().matches(NAME) || e.getKey().equals("all")) {
                    problems.add(new Problem(tree.keyAt(gp), null, "group name '" + e.getKey() + "' is not valid",
                            "use letters, digits, '.', '_' and '-' ('all' means every host)"));
                }
                if (hostNodes.containsKey(e.getKey())) {
                    problems.add(new Problem(tree.keyAt(gp), null, "'" + e.getKey() + "' is both a host and a group",
                            "rename one of them"));
                }
                JsonNode g = e.getValue();
                if (!g.isObject()) {
                    problems.add(new Problem(tree.at(gp), null, "group '" + e.getKey() + "' must be a mapping with "
                            + "'hosts:'", "write e.g. " + e.getKey() + ": { hosts: [web-1, web-2] }"));
                    return;
                }
                keys(g, gp, GROUP, "a group");
                List<String> members = new ArrayList<>();
                JsonNode hs = g.path("hosts");
                if (!hs.isArray() || hs.isEmpty()) {
                    problems.add(new Problem(tree.at(gp + (hs.isMissingNode() ? "" : "/hosts")), null, "group '"
                            + e.getKey() + "' needs 'hosts:', a list of host names", "write e.g. hosts: [web-1]"));
                } else {
                    for (int i = 0; i < hs.size(); i++) {
                        String h = hs.get(i).asText("");
                        if (!hostNodes.containsKey(h)) {
                            String near = Suggest.closest(h, hostNodes.keySet());
                            problems.add(new Problem(tree.at(gp + "/hosts/" + i), null, "group '" + e.getKey()
                                    + "' names unknown host '" + h + "'", (near != null ? "did you mean '" + near
                                    + "'? " : "") + "declare it under 'hosts:'"));
                        } else if (!members.contains(h)) {
                            members.add(h);
                        }
                    }
                }
                groups.put(e.getKey(), members);
                Map<String, Object> gs = new LinkedHashMap<>();
                connection(g, gp, gs);
                groupSettings.put(e.getKey(), gs);
            });
        }
        Map<String, Map<String, Object>> merged = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : hostNodes.entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>(defaults);
            Map<String, String> values = new LinkedHashMap<>();
            List<String> in = new ArrayList<>();
            groups.forEach((g, members) -> {
                if (members.contains(e.getKey())) {
                    in.add(g);
                    Map<String, Object> gs = new LinkedHashMap<>(groupSettings.get(g));
                    @SuppressWarnings("unchecked")
                    Map<String, String> gv = (Map<String, String>) gs.remove("values");
                    if (gv != null) {
                        values.putAll(gv);
                    }
                    m.putAll(gs);
                }
            });
            Map<String, Object> own = new LinkedHashMap<>();
            if (e.getValue().isObject()) {
                connection(e.getValue(), ptr + "/hosts/" + YamlTree.escape(e.getKey()), own);
            }
            @SuppressWarnings("unchecked")
            Map<String, String> hv = (Map<String, String>) own.remove("values");
            if (hv != null) {
                values.putAll(hv);
            }
            m.putAll(own);
            m.put("values", values);
            m.put("groups", in);
            merged.put(e.getKey(), m);
        }
        Map<String, HostSpec> specs = new LinkedHashMap<>();
        for (String name : merged.keySet()) {
            HostSpec s = spec(name, merged, settings, new HashSet<>(), locations.get(name));
            if (s != null && s.transport().equals("ssm")) {
                s = ssmHost(s, ssmOptions, locations.get(name));
            }
            if (s != null) {
                specs.put(name, s);
            }
        }
        return new Inventory(specs, groups, forks, locations);
    }

    @SuppressWarnings("unchecked")
    private HostSpec spec(String name, Map<String, Map<String, Object>> merged, HostSpec.Settings settings,
                          Set<String> chain, Location at) {
        Map<String, Object> m = merged.get(name);
        if (!chain.add(name)) {
            problems.add(new Problem(at, null, "jump hosts form a loop through '" + name + "'",
                    "give the last jump host no 'jump:'"));
            return null;
        }
        HostSpec jump = null;
        Object j = m.get("jump");
        if (j != null) {
            if (!merged.containsKey(j.toString())) {
                String near = Suggest.closest(j.toString(), merged.keySet());
                problems.add(new Problem(at, null, "host '" + name + "' jumps through unknown host '" + j + "'",
                        (near != null ? "did you mean '" + near + "'? " : "") + "declare the jump host under 'hosts:'"));
            } else {
                jump = spec(j.toString(), merged, settings, chain, at);
            }
        }
        Secret passphrase = null;
        Object ps = m.get("passphrase_secret");
        if (ps != null) {
            try {
                passphrase = secrets.apply(ps.toString());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(at, null, "host '" + name + "': passphrase_secret: " + e.getMessage(),
                        "write env:NAME or file:PATH"));
            }
        }
        return new HostSpec(name, (String) m.get("transport"), (String) m.get("address"),
                m.get("port") == null ? 0 : (Integer) m.get("port"), (String) m.get("user"), (String) m.get("identity"),
                passphrase, jump, (List<String>) m.get("groups"), (Map<String, String>) m.get("values"), settings);
    }

    /** The connection settings and values a host, group or the ssh defaults set. */
    private void connection(JsonNode n, String ptr, Map<String, Object> out) {
        for (String k : List.of("address", "user", "passphrase_secret", "jump", "transport")) {
            if (n.has(k)) {
                if (!n.get(k).isTextual() || n.get(k).asText().isBlank()) {
                    problems.add(new Problem(tree.at(ptr + "/" + k), null, k + " must be a non-empty string", ""));
                } else {
                    out.put(k, n.get(k).asText());
                }
            }
        }
        if (n.has("transport") && n.get("transport").isTextual()
                && !n.get("transport").asText().matches("[a-z][a-z0-9-]*")) {
            problems.add(new Problem(tree.at(ptr + "/transport"), null, "transport '" + n.get("transport").asText()
                    + "' is not valid", "write ssh, ssm or local"));
        }
        if (n.has("identity")) {
            if (!n.get("identity").isTextual()) {
                problems.add(new Problem(tree.at(ptr + "/identity"), null, "identity must be a file path", ""));
            } else {
                out.put("identity", path(n.get("identity").asText()));
            }
        }
        if (n.has("port")) {
            out.put("port", positive(n.get("port"), ptr + "/port", 65535));
        }
        if (n.has("values")) {
            JsonNode v = n.get("values");
            if (!v.isObject()) {
                problems.add(new Problem(tree.at(ptr + "/values"), null, "values must be a mapping of names to "
                        + "values", "write e.g. values: { truststore: /opt/app/trust.p12 }"));
            } else {
                Map<String, String> values = new LinkedHashMap<>();
                v.properties().forEach(e -> {
                    if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*") || e.getKey().equals("name")) {
                        problems.add(new Problem(tree.keyAt(ptr + "/values/" + YamlTree.escape(e.getKey())), null,
                                "value name '" + e.getKey() + "' is not valid", "use letters, digits and '_' ('name' "
                                + "is the host's own name)"));
                    } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                        problems.add(new Problem(tree.at(ptr + "/values/" + YamlTree.escape(e.getKey())), null,
                                "value '" + e.getKey() + "' must be a single value", "write a string or a number"));
                    } else {
                        values.put(e.getKey(), e.getValue().asText());
                    }
                });
                out.put("values", values);
            }
        }
    }

    /** The {@code ssm:} section: strings only, the endpoint an absolute URL. */
    private Map<String, String> ssm(JsonNode ssm, String ptr) {
        Map<String, String> out = new LinkedHashMap<>();
        if (ssm.isMissingNode()) {
            return out;
        }
        if (!ssm.isObject()) {
            problems.add(new Problem(tree.at(ptr), null, "ssm: must be a mapping", "write e.g. ssm: { region: "
                    + "eu-west-1 }"));
            return out;
        }
        keys(ssm, ptr, SSM, "ssm:");
        for (String k : SSM) {
            if (!ssm.has(k)) {
                continue;
            }
            String v = ssm.get(k).isTextual() ? ssm.get(k).asText().trim() : "";
            if (v.isEmpty()) {
                problems.add(new Problem(tree.at(ptr + "/" + k), null, k + " must be a non-empty string", ""));
            } else if (k.equals("region") && !v.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
                problems.add(new Problem(tree.at(ptr + "/" + k), null, "region '" + v + "' is not an AWS region",
                        "write e.g. eu-west-1"));
            } else if (k.equals("endpoint") && !v.matches("https?://[^/\\s]+.*")) {
                problems.add(new Problem(tree.at(ptr + "/" + k), null, "endpoint '" + v + "' is not an absolute URL",
                        "write e.g. https://ssm.eu-west-1.amazonaws.com"));
            } else {
                out.put(k, v);
            }
        }
        return out;
    }

    /** An ssm host: its address must be a managed instance id; it gets the {@code ssm:} settings (SSH's do not apply). */
    private HostSpec ssmHost(HostSpec s, Map<String, String> options, Location at) {
        if (!s.address().matches(SSM_INSTANCE)) {
            problems.add(new Problem(at, null, "host '" + s.name() + "' uses transport ssm, so its address must be a "
                    + "managed instance id, got '" + s.address() + "'", "write e.g. address: i-0123456789abcdef0"));
            return null;
        }
        return new HostSpec(s.name(), s.transport(), s.address(), s.port(), s.user(), s.identity(), null, null,
                s.groups(), s.values(), s.settings(), options);
    }

    private HostSpec.Settings settings(JsonNode ssh, String ptr) {
        HostSpec.Settings d = HostSpec.Settings.DEFAULTS;
        String known = d.knownHosts();
        if (ssh.has("known_hosts")) {
            known = ssh.get("known_hosts").isTextual() ? path(ssh.get("known_hosts").asText()) : null;
        }
        boolean accept = d.acceptNewHostKeys();
        if (ssh.has("accept_new_host_keys")) {
            if (!ssh.get("accept_new_host_keys").isBoolean()) {
                problems.add(new Problem(tree.at(ptr + "/accept_new_host_keys"), null, "accept_new_host_keys must be "
                        + "true or false", ""));
            } else {
                accept = ssh.get("accept_new_host_keys").asBoolean();
            }
        }
        return new HostSpec.Settings(known, accept, duration(ssh, ptr, "connect_timeout", d.connectTimeout()),
                duration(ssh, ptr, "keep_alive", d.keepAlive()),
                ssh.has("keep_alive_max") ? positive(ssh.get("keep_alive_max"), ptr + "/keep_alive_max", 1000)
                        : d.keepAliveMax());
    }

    private Duration duration(JsonNode n, String ptr, String key, Duration dflt) {
        if (!n.has(key)) {
            return dflt;
        }
        String s = n.get(key).asText("");
        if (!Durations.isValid(s)) {
            problems.add(new Problem(tree.at(ptr + "/" + key), null, key + ": '" + s + "' is not a duration",
                    "write e.g. 10s or 2m"));
            return dflt;
        }
        return Durations.parse(s);
    }

    private int positive(JsonNode n, String ptr, int max) {
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > max) {
            problems.add(new Problem(tree.at(ptr), null, ptr.substring(ptr.lastIndexOf('/') + 1) + " must be a "
                    + "whole number from 1 to " + max + ", got '" + n.asText() + "'", ""));
            return 1;
        }
        return n.asInt();
    }

    private String path(String p) {
        if (p.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), p.substring(2)).toString();
        }
        return base.resolve(p).normalize().toString();
    }

    private void keys(JsonNode n, String ptr, List<String> allowed, String what) {
        if (!n.isObject()) {
            return;
        }
        n.properties().forEach(e -> {
            if (!allowed.contains(e.getKey())) {
                String near = Suggest.closest(e.getKey(), allowed);
                problems.add(new Problem(tree.keyAt(ptr + "/" + YamlTree.escape(e.getKey())), null, "unknown key '"
                        + e.getKey() + "' in " + what, (near != null ? "did you mean '" + near + "'? " : "")
                        + "allowed here: " + String.join(", ", allowed)));
            }
        });
    }
}
