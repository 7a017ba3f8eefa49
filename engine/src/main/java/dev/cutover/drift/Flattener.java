package dev.cutover.drift;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one environment's step outputs into flat, comparable facts. The key of a step's status is
 * the step id; an output is {@code step.key.subkey}. A list of certificates (anything with a
 * {@code sha256}) or of named things ({@code alias}, {@code id}, {@code name}) becomes one fact per
 * member, keyed by a readable label (a certificate's CN), so that two stores are compared as sets:
 * {@code truststore-today.entries[Amazon RDS eu-west-1 Root CA RSA2048 G1]}. When a step parsed its
 * standard output or response body ({@code json} next to {@code stdout} or {@code body}, as
 * {@code shell.exec} with {@code parse: json} and {@code http.check} report them), only the parsed form is
 * compared.
 */
final class Flattener {
    private static final Pattern CN = Pattern.compile("(?:^|,)\\s*CN=((?:\\\\.|[^,\\\\])+)");
    private static final List<String> NAME_KEYS = List.of("alias", "id", "name");
    /** Raw text a step also reports parsed, as {@code json}: only the parsed form is compared. */
    private static final List<String> RAW = List.of("stdout", "body");

    /**
     * One flat fact.
     *
     * @param value  what is compared and shown
     * @param member for a set member: the set's noun (truststore, bundle, ...) and the member's label; else null
     */
    record Flat(String value, Member member) {
    }

    /** A member of a set-like list. */
    record Member(String noun, String label) {
    }

    private Flattener() {
    }

    static Map<String, Flat> flatten(EnvironmentFacts env) {
        Map<String, Flat> out = new LinkedHashMap<>();
        for (StepFact s : env.steps().values()) {
            out.put(s.stepId(), new Flat(s.status(), null));
            walk(s.stepId(), s.outputs(), out);
        }
        return out;
    }

    private static void walk(String prefix, Object value, Map<String, Flat> out) {
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.put(prefix, new Flat("{}", null));
            }
            boolean parsed = m.containsKey("json");
            m.forEach((k, v) -> {
                if (!(parsed && RAW.contains(String.valueOf(k)))) {
                    walk(prefix + "." + k, v, out);
                }
            });
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.put(prefix, new Flat("[]", null));
            } else if (list.stream().allMatch(e -> e instanceof Map<?, ?> m && identity(m) != null)) {
                members(prefix, list, out);
            } else if (list.stream().noneMatch(e -> e instanceof Map || e instanceof List)) {
                out.put(prefix, new Flat(String.join(", ", list.stream().map(String::valueOf).toList()), null));
            } else {
                for (int i = 0; i < list.size(); i++) {
                    walk(prefix + "[" + i + "]", list.get(i), out);
                }
            }
        } else {
            out.put(prefix, new Flat(String.valueOf(value), null));
        }
    }

    private static void members(String prefix, List<?> list, Map<String, Flat> out) {
        String noun = noun(prefix, list);
        Map<String, Integer> seen = new HashMap<>();
        List<String> labels = new ArrayList<>();
        for (Object e : list) {
            String l = label((Map<?, ?>) e);
            labels.add(l);
            seen.merge(l, 1, Integer::sum);
        }
        for (int i = 0; i < list.size(); i++) {
            Map<?, ?> m = (Map<?, ?>) list.get(i);
            String label = labels.get(i);
            if (seen.get(label) > 1 && m.get("sha256") != null) {
                label = label + " #" + shortSha(String.valueOf(m.get("sha256")));
            }
            out.put(prefix + "[" + label + "]", new Flat(identity(m), new Member(noun, label)));
        }
    }

    /** What makes a member the same member: its fingerprint, or all of its fields. */
    private static String identity(Map<?, ?> m) {
        if (m.get("sha256") != null) {
            return "sha256 " + m.get("sha256");
        }
        for (String k : NAME_KEYS) {
            if (m.get(k) != null) {
                return describe(m);
            }
        }
        return null;
    }

    private static String label(Map<?, ?> m) {
        if (m.get("subject") != null) {
            Matcher cn = CN.matcher(String.valueOf(m.get("subject")));
            return cn.find() ? cn.group(1).replace("\\", "") : String.valueOf(m.get("subject"));
        }
        for (String k : NAME_KEYS) {
            if (m.get(k) != null) {
                return String.valueOf(m.get(k));
            }
        }
        return shortSha(String.valueOf(m.get("sha256")));
    }

    /** A plain word for what the list is: a truststore, a keystore, a bundle, a server chain. */
    static String noun(String prefix, List<?> list) {
        String last = prefix.substring(prefix.lastIndexOf('.') + 1);
        if (last.equals("entries")) {
            boolean keys = list.stream().anyMatch(e -> e instanceof Map<?, ?> m && m.get("kind") != null
                    && !"trusted_cert".equals(m.get("kind")));
            return keys ? "keystore" : "truststore";
        }
        if (last.equals("certificates")) {
            return "bundle";
        }
        return last.replace('_', ' ').toLowerCase(Locale.ROOT);
    }

    private static String describe(Map<?, ?> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    static String shortSha(String sha) {
        return sha.length() > 11 ? sha.substring(0, 11) : sha;
    }
}
