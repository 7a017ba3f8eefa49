package dev.cutover.drift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the facts of two or more environments, fact by fact, and says what differs in plain
 * words. Steps that could not gather facts somewhere are reported as gaps and left out there.
 */
public final class DriftComparer {
    /**
     * Keys that differ between environments by nature and are ignored unless {@code --no-default-ignore}:
     * timings (keys ending in {@code _ms}), days left (the expiry date itself is compared), the paths of
     * the files read, and a process's id and start time.
     */
    public static final List<String> DEFAULT_IGNORES = List.of("*_ms", "*.days_left", "*.store", "*.file",
            "*.pid", "*.started");

    private static final int MESSAGE = 400;
    private final List<KeyPattern> ignores;

    /** @param ignores glob patterns over fact keys ({@code *.host}, {@code db-handshake.server_chain}) */
    public DriftComparer(List<String> ignores) {
        this.ignores = ignores.stream().map(KeyPattern::new).toList();
    }

    public DriftReport compare(List<EnvironmentFacts> envs) {
        if (envs.size() < 2) {
            throw new IllegalArgumentException("drift compares at least two environments");
        }
        List<String> names = envs.stream().map(EnvironmentFacts::name).toList();
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("environment names must differ: " + names);
        }
        List<Gap> gaps = new ArrayList<>();
        List<Map<String, Flattener.Flat>> flat = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (EnvironmentFacts e : envs) {
            for (StepFact s : e.gaps()) {
                gaps.add(new Gap(e.name(), s.stepId(), s.message()));
            }
            Map<String, Flattener.Flat> f = Flattener.flatten(e);
            flat.add(f);
            keys.addAll(f.keySet());
        }
        List<Difference> diffs = new ArrayList<>();
        int compared = 0;
        for (String key : keys) {
            if (ignores.stream().anyMatch(p -> p.matches(key))) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            Flattener.Member member = null;
            for (int i = 0; i < envs.size(); i++) {
                if (!gathered(envs.get(i), key)) {
                    continue;
                }
                Flattener.Flat v = flat.get(i).get(key);
                values.put(names.get(i), v == null ? null : v.value());
                if (v != null && v.member() != null) {
                    member = v.member();
                }
            }
            if (values.size() < 2) {
                continue;
            }
            compared++;
            if (new LinkedHashSet<>(values.values()).size() > 1) {
                diffs.add(new Difference(key, values, sentence(key, values, member, envs)));
            }
        }
        return new DriftReport(names, envs.stream().map(EnvironmentFacts::source).toList(), compared,
                List.copyOf(withoutConsequences(diffs)), List.copyOf(gaps),
                ignores.stream().map(KeyPattern::toString).toList());
    }

    /**
     * Leaves out differences that only repeat another: the outputs of a step that passed in one
     * environment and failed in another (its status and message say it), and a {@code count} next to a
     * set whose members differ (a store's entry count).
     */
    private static List<Difference> withoutConsequences(List<Difference> diffs) {
        Set<String> counts = new LinkedHashSet<>();
        Set<String> statusDiffers = new LinkedHashSet<>();
        for (Difference d : diffs) {
            if (!d.key().contains(".")) {
                statusDiffers.add(d.key());
            }
            int bracket = d.key().indexOf('[');
            int dot = bracket < 0 ? -1 : d.key().lastIndexOf('.', bracket);
            if (dot > 0) {
                counts.add(d.key().substring(0, dot) + ".count");
            }
        }
        return diffs.stream().filter(d -> !counts.contains(d.key()))
                .filter(d -> !d.key().contains(".") || !statusDiffers.contains(stepOf(d.key()))).toList();
    }

    /** Whether the step behind this key yielded facts in this environment (absent steps count: they are drift). */
    private static boolean gathered(EnvironmentFacts env, String key) {
        StepFact s = env.steps().get(stepOf(key));
        return s == null || s.gathered();
    }

    /** Step ids have no dots, so a key's step is everything before its first dot. */
    static String stepOf(String key) {
        int dot = key.indexOf('.');
        return dot < 0 ? key : key.substring(0, dot);
    }

    private static String sentence(String key, Map<String, String> values, Flattener.Member member,
                                   List<EnvironmentFacts> envs) {
        List<String> absent = new ArrayList<>();
        List<String> present = new ArrayList<>();
        values.forEach((env, v) -> (v == null ? absent : present).add(env));
        boolean samePresent = present.stream().map(values::get).distinct().count() == 1;
        if (member != null && !absent.isEmpty() && samePresent) {
            String step = stepOf(key);
            return join(absent) + " " + member.noun() + " lacks '" + member.label() + "' that " + join(present)
                    + (present.size() == 1 ? " has" : " have") + " (" + step + ")";
        }
        if (!key.contains(".") && !key.contains("[")) {
            List<String> parts = new ArrayList<>();
            values.forEach((env, v) -> parts.add(env + " " + (v == null ? "does not run it" : v)
                    + message(envs, env, key)));
            return "step '" + key + "': " + String.join(", ", parts);
        }
        List<String> parts = new ArrayList<>();
        values.forEach((env, v) -> parts.add(env + " " + (v == null ? "(absent)" : v)));
        String what = member != null ? member.noun() + " entry '" + member.label() + "'" : key;
        return what + " differs: " + String.join(", ", parts);
    }

    private static String message(List<EnvironmentFacts> envs, String env, String stepId) {
        for (EnvironmentFacts e : envs) {
            if (e.name().equals(env) && e.steps().get(stepId) != null
                    && StepFact.FAILED.equals(e.steps().get(stepId).status())) {
                String m = oneLine(e.steps().get(stepId).message());
                String cut = m.length() <= MESSAGE ? m : m.substring(0, MESSAGE - 3) + "...";
                return m.isEmpty() ? "" : " (" + cut + ")";
            }
        }
        return "";
    }

    /** A multi-line message on one line: "x:\n  - a\n  - b\ndo y" becomes "x: a, b; do y". */
    static String oneLine(String m) {
        return m.strip().replaceAll(":\\s*\\n\\s*- ", ": ").replaceAll("\\s*\\n\\s*- ", ", ")
                .replaceAll("\\s*\\n\\s*", "; ");
    }

    private static String join(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
