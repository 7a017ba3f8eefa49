package dev.cutover.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.journal.Canonical;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.spi.Durations;
import dev.cutover.spi.InputType;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a runbook file, validates it against the schema and the step types' declared inputs, and
 * builds the model. Every problem is collected and reported at once, each with file:line:column.
 */
public final class RunbookLoader {
    private final StepTypeRegistry registry;

    public RunbookLoader(StepTypeRegistry registry) {
        this.registry = registry;
    }

    /** Loads and checks a runbook file. */
    public Runbook load(Path file) throws InvalidRunbookException {
        byte[] bytes;
        try {
            bytes = BoundedFiles.readBytes(file, BoundedFiles.INPUT_LIMIT, "runbook");
        } catch (BoundedFiles.TooLargeException e) {
            throw new InvalidRunbookException(List.of(new Problem(Location.unknown(file), null, e.getMessage(),
                    e.hint())));
        } catch (NoSuchFileException e) {
            throw new InvalidRunbookException(List.of(new Problem(Location.unknown(file), null,
                    "no such runbook file", "check the path")));
        } catch (IOException e) {
            throw new InvalidRunbookException(List.of(new Problem(Location.unknown(file), null,
                    "cannot read the runbook: " + e.getMessage(), "check the path and its permissions")));
        }
        return parse(file, bytes);
    }

    /** Checks runbook bytes as if read from {@code file} (which may be null). */
    public Runbook parse(Path file, byte[] bytes) throws InvalidRunbookException {
        List<Problem> problems = new ArrayList<>();
        if (bytes.length > BoundedFiles.INPUT_LIMIT) {
            throw new InvalidRunbookException(List.of(new Problem(Location.unknown(file), null,
                    new BoundedFiles.TooLargeException("runbook", BoundedFiles.INPUT_LIMIT).getMessage(),
                    "split the change into smaller runbooks")));
        }
        String text;
        try {
            text = BoundedFiles.decode(bytes, "runbook");
        } catch (BoundedFiles.NotTextException e) {
            throw new InvalidRunbookException(List.of(new Problem(new Location(file, 1, 1), null,
                    "the file is not valid UTF-8", "save it as UTF-8")));
        }
        YamlTree tree = YamlTree.parse(file, text, problems);
        JsonNode root = tree.root();
        if (root == null) {
            throw new InvalidRunbookException(problems);
        }
        if (!root.isObject()) {
            problems.add(new Problem(tree.at(""), null, "a runbook must be a mapping of keys",
                    "start with 'apiVersion: cutover/v1' and 'name:'"));
            throw new InvalidRunbookException(problems);
        }
        RunbookSchema.check(tree, problems);
        Map<String, ParamSpec> params = params(tree, root, problems);
        Map<Section, List<StepDef>> sections = new LinkedHashMap<>();
        for (Section s : Section.values()) {
            sections.put(s, steps(tree, root.path(s.key()), "/" + s.key(), s, problems));
        }
        Runbook rb = new Runbook(root.path("name").asText(""), root.path("description").asText(""), params,
                sections.get(Section.PREFLIGHT), sections.get(Section.STEPS), sections.get(Section.VALIDATE),
                sections.get(Section.ROLLBACK), file == null ? null : file.toAbsolutePath(),
                Canonical.sha256(bytes), policy(tree, root, problems), HostBlocks.read(tree, root.path("steps"),
                problems));
        new RunbookChecker(registry, tree, rb, problems).check();
        if (!problems.isEmpty()) {
            problems.sort((a, b) -> Integer.compare(a.location().line(), b.location().line()) != 0
                    ? Integer.compare(a.location().line(), b.location().line())
                    : Integer.compare(a.location().column(), b.location().column()));
            throw new InvalidRunbookException(problems);
        }
        return rb;
    }

    private static Map<String, ParamSpec> params(YamlTree tree, JsonNode root, List<Problem> problems) {
        Map<String, ParamSpec> out = new LinkedHashMap<>();
        JsonNode ps = root.path("params");
        if (!ps.isObject()) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : ps.properties()) {
            JsonNode p = e.getValue();
            String ptr = "/params/" + YamlTree.escape(e.getKey());
            InputType type = paramType(p.path("type").asText(""));
            if (type == null || !p.isObject()) {
                continue; // the schema reported it
            }
            Object def = p.has("default") ? toJava(p.get("default")) : null;
            if (def != null && type == InputType.SECRET) {
                problems.add(new Problem(tree.keyAt(ptr + "/default"), null, "secret param '" + e.getKey()
                        + "' has a default value written in the runbook",
                        "remove it and use 'from: env:NAME' or 'from: file:PATH'"));
            }
            out.put(e.getKey(), new ParamSpec(e.getKey(), type, p.path("required").asBoolean(false), def,
                    p.path("description").asText(""), p.has("from") ? p.get("from").asText() : null,
                    tree.keyAt(ptr)));
        }
        return out;
    }

    private static RunbookPolicy policy(YamlTree tree, JsonNode root, List<Problem> problems) {
        List<ChangeWindow> windows = List.of();
        if (root.has("window")) {
            try {
                windows = ChangeWindow.parse(toJava(root.get("window")));
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(tree.at("/window"), null, "window: " + e.getMessage(), ""));
            }
        }
        return new RunbookPolicy(root.path("lock").isTextual() ? root.get("lock").asText() : null, windows,
                duration(root.path("rollback_window")));
    }

    static InputType paramType(String s) {
        return switch (s) {
            case "string" -> InputType.STRING;
            case "int" -> InputType.INT;
            case "bool" -> InputType.BOOL;
            case "path" -> InputType.PATH;
            case "secret" -> InputType.SECRET;
            case "list" -> InputType.LIST;
            default -> null;
        };
    }

    /** The steps of a list at {@code base} (a {@code hosts:} block in it is read by {@link HostBlocks}). */
    static List<StepDef> steps(YamlTree tree, JsonNode list, String base, Section section, List<Problem> problems) {
        List<StepDef> out = new ArrayList<>();
        if (!list.isArray()) {
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            String ptr = base + "/" + i;
            if (!s.isObject() || s.has("hosts") || !s.path("id").isTextual() || !s.path("uses").isTextual()) {
                continue; // the schema reported it
            }
            RetryPolicy retry = RetryPolicy.NONE;
            JsonNode r = s.path("retry");
            if (r.isObject() && r.path("attempts").canConvertToInt() && r.path("attempts").asInt() >= 1) {
                retry = new RetryPolicy(r.path("attempts").asInt(), duration(r.path("delay")));
            }
            out.add(new StepDef(s.get("id").asText(), s.get("uses").asText(), s.path("description").asText(""),
                    map(s.path("with")), duration(s.path("timeout")), retry,
                    s.path("when").isTextual() ? s.get("when").asText() : null,
                    call(tree, s.path("undo"), ptr + "/undo"),
                    s.path("no_undo").isTextual() ? s.get("no_undo").asText() : null,
                    call(tree, s.path("probe"), ptr + "/probe"), s.path("fact").asBoolean(false), section,
                    tree.at(ptr), declaredTraits(s), s.path("revalidate").asBoolean(false)));
        }
        return out;
    }

    private static java.util.Set<String> declaredTraits(JsonNode s) {
        java.util.Set<String> t = new java.util.LinkedHashSet<>();
        for (String key : List.of("restarts", "changes")) {
            JsonNode v = s.path(key);
            if (v.isTextual()) {
                t.add(key + ":" + v.asText());
            } else if (v.isArray()) {
                v.forEach(x -> t.add(key + ":" + x.asText()));
            }
        }
        return t;
    }

    private static UndoDef call(YamlTree tree, JsonNode n, String ptr) {
        if (!n.isObject() || !n.path("uses").isTextual()) {
            return null;
        }
        return new UndoDef(n.get("uses").asText(), map(n.path("with")), duration(n.path("timeout")), tree.at(ptr));
    }

    static Duration duration(JsonNode n) {
        return n.isTextual() && Durations.isValid(n.asText()) ? Durations.parse(n.asText()) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode n) {
        return n.isObject() ? (Map<String, Object>) toJava(n) : Map.of();
    }

    /** A YAML value as plain Java: Map, List, String, Long, Double, Boolean or null. */
    static Object toJava(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), toJava(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(toJava(x)));
            return l;
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        return n.asText();
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
