package dev.cutover.runbook;

import java.util.List;

/**
 * One {@code ${...}} reference inside a runbook string: {@code params.NAME}, {@code env.NAME},
 * {@code steps.ID.outputs.KEY[.more]}, {@code run.id}, {@code run.dir}, and inside a {@code hosts:} block
 * {@code host.name} and {@code host.VALUE} (the host's inventory values).
 *
 * @param kind   params, env, steps or run
 * @param name   the param, variable, step id, or run field
 * @param path   for steps: the keys after {@code outputs}; otherwise empty
 * @param text   the whole reference as written, without {@code ${}}
 * @param start  offset of {@code $} in the string
 * @param end    offset after {@code }}
 */
public record Reference(String kind, String name, List<String> path, String text, int start, int end) {
    /**
     * Every reference in a string ({@code $${...}} is an escaped literal and not a reference). One pass:
     * once no {@code }} follows, no later reference can close either (a regular expression would
     * rescan the rest of the string from every {@code ${}, quadratic in a hostile value).
     */
    public static List<Reference> findAll(String s) {
        java.util.ArrayList<Reference> out = new java.util.ArrayList<>();
        int from = 0;
        while (true) {
            int open = s.indexOf("${", from);
            if (open < 0) {
                return out;
            }
            if (open > 0 && s.charAt(open - 1) == '$') {
                from = open + 1;
                continue;
            }
            int close = s.indexOf('}', open + 2);
            if (close < 0) {
                return out;
            }
            out.add(parse(s.substring(open + 2, close).trim(), open, close + 1));
            from = close + 1;
        }
    }

    /** Whether the string is exactly one reference (its value then keeps its type: list, number, secret). */
    public static boolean isWhole(String s) {
        List<Reference> refs = findAll(s);
        return refs.size() == 1 && refs.get(0).start() == 0 && refs.get(0).end() == s.length();
    }

    private static Reference parse(String text, int start, int end) {
        String[] parts = text.split("\\.", -1);
        String kind = parts.length > 0 ? parts[0] : "";
        String name = parts.length > 1 ? parts[1] : "";
        List<String> path = parts.length > 2 ? List.of(parts).subList(2, parts.length) : List.of();
        return new Reference(kind, name, path, text, start, end);
    }

    /** Why this reference is malformed, or null when its shape is right. */
    public String shapeProblem() {
        switch (kind) {
            case "params", "env" -> {
                return name.isEmpty() || !path.isEmpty() ? "write ${" + kind + ".NAME}" : null;
            }
            case "run" -> {
                return (name.equals("id") || name.equals("dir")) && path.isEmpty() ? null
                        : "only ${run.id} and ${run.dir} exist";
            }
            case "host" -> {
                return name.isEmpty() || !path.isEmpty() ? "write ${host.name} or ${host.VALUE} (a per-host value of "
                        + "the inventory)" : null;
            }
            case "steps" -> {
                return !name.isEmpty() && path.size() >= 2 && path.get(0).equals("outputs")
                        && path.stream().noneMatch(String::isEmpty) ? null : "write ${steps.ID.outputs.KEY}";
            }
            default -> {
                return "a reference starts with params., env., steps., run. or (inside a hosts: block) host.";
            }
        }
    }

    /** Replaces {@code $${} escapes with {@code ${}. */
    public static String unescape(String s) {
        return s.replace("$${", "${");
    }
}
