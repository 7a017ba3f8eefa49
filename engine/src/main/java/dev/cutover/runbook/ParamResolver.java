package dev.cutover.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.plugin.PluginPath;
import dev.cutover.plugin.SecretSourceRegistry;
import dev.cutover.secrets.Masker;
import dev.cutover.secrets.SecretEnvironment;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Secret;
import dev.cutover.spi.SecretSource;
import dev.cutover.spi.StepFailedException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a runbook's declared params plus an environment file, {@code --set} values, {@code from:}
 * sources and defaults into the values a run uses (in that order of precedence). Secrets become
 * {@link Secret}s and are registered with the run's masker the moment they are read.
 */
public final class ParamResolver {
    private final Map<String, String> env;
    private final Masker masker;
    private final boolean fetchSecrets;
    private java.util.function.Function<String, String> prompt = name -> null;
    private java.util.function.Supplier<SecretSourceRegistry> secretSources =
            () -> SecretSourceRegistry.load(PluginPath.none());

    /**
     * Where {@code from:} schemes other than env and file are looked up (plugin jars included);
     * cutover's own sources by default. Asked only when a runbook names such a scheme.
     */
    public ParamResolver withSecretSources(java.util.function.Supplier<SecretSourceRegistry> sources) {
        this.secretSources = sources;
        return this;
    }

    /**
     * Asks for secrets that have no source (a no-echo prompt on a terminal); the function returns
     * null when it cannot ask.
     */
    public ParamResolver withPrompt(java.util.function.Function<String, String> prompt) {
        this.prompt = prompt;
        return this;
    }

    /**
     * @param env          the process environment (for {@code from: env:} sources)
     * @param masker       where secret values are registered
     * @param fetchSecrets false for {@code cutover validate}: secret sources are checked, not read
     */
    public ParamResolver(Map<String, String> env, Masker masker, boolean fetchSecrets) {
        this.env = env;
        this.masker = masker;
        this.fetchSecrets = fetchSecrets;
    }

    /** An environment file: its params and its metadata (e.g. {@code production: true}). */
    public record EnvironmentFile(Path file, Map<String, Object> params, Map<String, Object> metadata,
                                  Map<String, Location> locations) {
    }

    /** Reads an environment file: a map of param values, or {@code params:} plus metadata keys. */
    public static EnvironmentFile readEnvironment(Path file) throws InvalidRunbookException {
        List<Problem> problems = new ArrayList<>();
        String text;
        try {
            text = BoundedFiles.readText(file, BoundedFiles.INPUT_LIMIT, "environment file");
        } catch (BoundedFiles.TooLargeException e) {
            throw new InvalidRunbookException(List.of(new Problem(Location.unknown(file), null, e.getMessage(),
                    e.hint())));
        } catch (BoundedFiles.NotTextException e) {
            throw new InvalidRunbookException(List.of(new Problem(new Location(file, 1, 1), null, e.getMessage(),
                    e.hint())));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidRunbookException(List.of(new Problem(Location.unknown(file), null,
                    "no such environment file", "check --env NAME (environments/NAME.yaml beside the runbook) "
                    + "or --env-file PATH")));
        } catch (IOException e) {
            throw new InvalidRunbookException(List.of(new Problem(Location.unknown(file), null,
                    "cannot read the environment file: " + e.getClass().getSimpleName(),
                    "check --env NAME (environments/NAME.yaml beside the runbook) or --env-file PATH")));
        }
        YamlTree tree = YamlTree.parse(file, text, problems);
        if (!problems.isEmpty()) {
            throw new InvalidRunbookException(problems);
        }
        JsonNode root = tree.root();
        if (root == null || !root.isObject()) {
            throw new InvalidRunbookException(List.of(new Problem(tree.at(""), null,
                    "an environment file must be a mapping of param names to values", "write e.g. db_instance: prod-db")));
        }
        boolean wrapped = root.path("params").isObject();
        JsonNode params = wrapped ? root.get("params") : root;
        String base = wrapped ? "/params" : "";
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Location> locs = new LinkedHashMap<>();
        params.properties().forEach(e -> {
            if (!wrapped && e.getKey().equals("inventory")) {
                return; // the fleet's hosts (InventoryReader), not a param
            }
            values.put(e.getKey(), RunbookLoader.toJava(e.getValue()));
            locs.put(e.getKey(), tree.keyAt(base + "/" + YamlTree.escape(e.getKey())));
        });
        Map<String, Object> meta = new LinkedHashMap<>();
        if (!wrapped && root.has("inventory")) {
            meta.put("inventory", RunbookLoader.toJava(root.get("inventory")));
        }
        if (wrapped) {
            root.properties().forEach(e -> {
                if (!e.getKey().equals("params")) {
                    meta.put(e.getKey(), RunbookLoader.toJava(e.getValue()));
                }
            });
        }
        return new EnvironmentFile(file.toAbsolutePath(), values, meta, locs);
    }

    /**
     * Resolves every param.
     *
     * @param envFile may be null
     * @param sets    {@code --set k=v} values; never secrets
     */
    public Map<String, Object> resolve(Runbook rb, EnvironmentFile envFile, Map<String, String> sets)
            throws InvalidRunbookException {
        List<Problem> problems = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        Path cwd = Path.of("").toAbsolutePath();
        if (envFile != null) {
            envFile.params().forEach((k, v) -> {
                if (!rb.params().containsKey(k)) {
                    String near = Suggest.closest(k, rb.params().keySet());
                    problems.add(new Problem(envFile.locations().get(k), null, "the runbook declares no param '" + k
                            + "'", near != null ? "did you mean '" + near + "'?" : "remove it or declare it"));
                }
            });
        }
        sets.forEach((k, v) -> {
            if (!rb.params().containsKey(k)) {
                problems.add(new Problem(Location.unknown(null), null, "--set " + k + ": the runbook declares no param '"
                        + k + "'", "params: " + String.join(", ", rb.params().keySet())));
            }
        });
        for (ParamSpec p : rb.params().values()) {
            Object raw;
            Path base;
            Location where;
            if (sets.containsKey(p.name())) {
                if (p.type() == InputType.SECRET) {
                    problems.add(new Problem(Location.unknown(null), null, "--set " + p.name()
                            + ": secrets cannot be given on the command line (other users see argv)",
                            "declare 'from: env:NAME' or 'from: file:PATH' on the param"));
                    continue;
                }
                raw = sets.get(p.name());
                base = cwd;
                where = Location.unknown(null);
            } else if (envFile != null && envFile.params().containsKey(p.name())) {
                raw = envFile.params().get(p.name());
                base = envFile.file().getParent();
                where = envFile.locations().get(p.name());
                if (p.type() == InputType.SECRET && !(raw instanceof String s && isSourceReference(s))) {
                    problems.add(new Problem(where, null, "secret param '" + p.name()
                            + "' has a value written in the environment file",
                            "write a source instead, e.g. " + p.name() + ": env:PROD_PASSWORD"));
                    continue;
                }
            } else {
                raw = null;
                base = rb.directory();
                where = p.location();
            }
            try {
                Object v = value(p, raw, base);
                if (v == null && p.defaultValue() != null) {
                    v = coerce(p, p.defaultValue(), rb.directory());
                }
                if (v == null && p.required()) {
                    problems.add(new Problem(p.location(), null, "required param '" + p.name() + "' has no value",
                            "set it in the environment file, with --set " + p.name() + "=...,"
                                    + " or give it 'from:'/'default:'"));
                } else if (v != null) {
                    out.put(p.name(), v);
                }
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(where, null, "param '" + p.name() + "': " + e.getMessage(), ""));
            }
        }
        problems.addAll(EnvironmentReferences.unset(rb, env));
        if (!problems.isEmpty()) {
            throw new InvalidRunbookException(problems);
        }
        return out;
    }

    /**
     * Resolves params for a run recorded in a journal (resume, later rollback): non-secret values as
     * recorded, secrets fetched again from their {@code from:} sources.
     */
    public Map<String, Object> resolveRecorded(Runbook rb, Map<String, Object> recorded)
            throws InvalidRunbookException {
        Map<String, String> sets = new LinkedHashMap<>();
        for (ParamSpec p : rb.params().values()) {
            Object v = recorded.get(p.name());
            if (v == null || p.type() == InputType.SECRET) {
                continue;
            }
            sets.put(p.name(), v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                    : String.valueOf(v));
        }
        return resolve(rb, null, sets);
    }

    private Object value(ParamSpec p, Object raw, Path base) {
        if (p.type() == InputType.SECRET) {
            String source = raw instanceof String s ? s : p.from();
            if (source == null && fetchSecrets) {
                String typed = prompt.apply(p.name());
                if (typed != null && !typed.isEmpty()) {
                    masker.register(typed);
                    return new Secret(typed);
                }
            }
            return source == null ? null : secret(source, p.required());
        }
        if (raw != null) {
            return coerce(p, raw, base);
        }
        if (p.from() != null) {
            String s = fromSource(p.from());
            return s == null ? null : coerce(p, s, Path.of("").toAbsolutePath());
        }
        return null;
    }

    private String fromSource(String from) {
        int colon = from.indexOf(':');
        String scheme = from.substring(0, colon);
        String ref = from.substring(colon + 1);
        if (scheme.equals("env")) {
            return env.get(ref);
        }
        if (scheme.equals("file")) {
            try {
                return BoundedFiles.readString(Path.of(ref), BoundedFiles.INPUT_LIMIT, "file").strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + ref + " (" + reason(e) + ")");
            }
        }
        throw new IllegalArgumentException("source '" + scheme + ":' is only for secrets");
    }

    /** A secret from a source reference ({@code env:NAME}, {@code file:PATH}, ...), registered with the masker. */
    public Secret secretFrom(String source) {
        return (Secret) secret(source, true);
    }

    private Object secret(String source, boolean required) {
        if (!isSourceReference(source)) {
            // never echo it: a value that is not a source reference may be the secret itself
            throw new IllegalArgumentException("the value is not a secret source reference; write env:NAME, "
                    + "file:PATH or an installed source (" + String.join(", ", installedSchemes()) + ")");
        }
        int colon = source.indexOf(':');
        String scheme = source.substring(0, colon);
        String ref = source.substring(colon + 1);
        if (scheme.equals("env")) {
            SecretEnvironment.sourceRead(ref);
            String v = env.get(ref);
            if (v == null) {
                if (!fetchSecrets) {
                    return new Secret("unresolved");
                }
                if (!required) {
                    return null;
                }
                throw new IllegalArgumentException("environment variable " + ref + " is not set");
            }
            masker.register(v);
            return new Secret(v);
        }
        if (scheme.equals("file")) {
            if (!fetchSecrets) {
                return new Secret("unresolved");
            }
            try {
                String v = BoundedFiles.readString(Path.of(ref), BoundedFiles.SECRET_LIMIT, "secret file").strip();
                masker.register(v);
                return new Secret(v);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read secret file " + ref + " (" + reason(e) + ")");
            }
        }
        SecretSourceRegistry registry = secretSources.get();
        SecretSource src = registry.find(scheme)
                .orElseThrow(() -> new IllegalArgumentException("the value is not a secret source reference this "
                        + "cutover knows; write env:NAME, file:PATH or an installed source (" + String.join(", ",
                        registry.schemes().stream().map(k -> k + ":").toList()) + ")"));
        if (!fetchSecrets) {
            return new Secret("unresolved");
        }
        try {
            Secret s = src.fetch(ref);
            masker.register(s);
            return s;
        } catch (StepFailedException e) {
            throw new IllegalArgumentException(masker.mask(e.getMessage()));
        }
    }

    private static String reason(IOException e) {
        return e instanceof BoundedFiles.TooLargeException ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * Whether a value written for a secret param has the shape of a source reference: {@code env:NAME}
     * with a variable name, {@code file:PATH}, or the scheme of an installed {@link SecretSource}.
     * Anything else may be the secret itself, so it is refused without being echoed.
     */
    boolean isSourceReference(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        String scheme = s.substring(0, colon);
        String ref = s.substring(colon + 1);
        if (scheme.equals("env")) {
            return ref.matches("[A-Za-z_][A-Za-z0-9_]*");
        }
        if (scheme.equals("file")) {
            return !ref.isEmpty();
        }
        return installedSchemes().contains(scheme + ":");
    }

    private List<String> installedSchemes() {
        List<String> out = new ArrayList<>(List.of("env:", "file:"));
        secretSources.get().schemes().forEach(s -> out.add(s + ":"));
        return out;
    }

    private static Object coerce(ParamSpec p, Object raw, Path base) {
        return switch (p.type()) {
            case INT -> {
                if (raw instanceof Number n) {
                    yield n.longValue();
                }
                try {
                    yield Long.parseLong(raw.toString().trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + raw + "' is not an integer");
                }
            }
            case BOOL -> {
                if (raw instanceof Boolean b) {
                    yield b;
                }
                String s = raw.toString().trim();
                if (s.equals("true") || s.equals("false")) {
                    yield Boolean.parseBoolean(s);
                }
                throw new IllegalArgumentException("'" + raw + "' is not true or false");
            }
            case PATH -> {
                if (raw instanceof Map || raw instanceof List) {
                    throw new IllegalArgumentException("a path must be a single value");
                }
                String s = raw.toString();
                if (s.contains("${")) {
                    yield s;
                }
                Path path = Path.of(s.startsWith("~/") ? System.getProperty("user.home") + s.substring(1) : s);
                yield (path.isAbsolute() ? path : base.resolve(path)).normalize().toString();
            }
            case LIST -> raw instanceof List<?> l ? l : Arrays.asList(raw.toString().split(","));
            default -> {
                if (raw instanceof Map || raw instanceof List) {
                    throw new IllegalArgumentException("must be a single value");
                }
                yield raw.toString();
            }
        };
    }
}
