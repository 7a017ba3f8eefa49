package dev.cutover.plugin;

import dev.cutover.spi.SecretSource;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The secret sources a {@code type: secret} parameter's {@code from:} can name, by scheme: found
 * with {@link java.util.ServiceLoader} like step types (cutover's own, then the plugin jars on the
 * {@link PluginPath}). Two sources claiming one scheme are refused, naming both jars; so is a
 * source claiming {@code env} or {@code file}, which the parameter resolver reads itself.
 *
 * @since 0.1
 */
public final class SecretSourceRegistry {
    /** Schemes the parameter resolver reads itself; no source may claim them. */
    public static final Set<String> RESOLVER_SCHEMES = Set.of("env", "file");

    private final Map<String, Discovered<SecretSource>> sources;

    private SecretSourceRegistry(Map<String, Discovered<SecretSource>> sources) {
        this.sources = sources;
    }

    /**
     * Loads cutover's own secret sources and those of every jar on {@code plugins}.
     *
     * @throws PluginException when two of them claim one scheme, one claims env or file, or a jar
     *                         cannot be loaded
     */
    public static SecretSourceRegistry load(PluginPath plugins) {
        Map<String, Discovered<SecretSource>> m = new TreeMap<>();
        for (Discovered<SecretSource> d : Discovered.load(SecretSource.class, plugins)) {
            String scheme = d.provider().scheme();
            if (RESOLVER_SCHEMES.contains(scheme)) {
                throw new PluginException("secret source " + d.provider().getClass().getName() + " (" + d.origin()
                        + ") claims the scheme '" + scheme + ":', which cutover reads itself; remove the jar from "
                        + "the plugin path ($" + PluginPath.ENV + " or ~/.cutover/plugins)");
            }
            Discovered<SecretSource> prev = m.putIfAbsent(scheme, d);
            if (prev != null) {
                throw new PluginException("two secret sources claim the scheme '" + scheme + ":': "
                        + prev.provider().getClass().getName() + " (" + prev.origin() + ") and "
                        + d.provider().getClass().getName() + " (" + d.origin() + "); remove one of the jars from "
                        + "the plugin path ($" + PluginPath.ENV + " or ~/.cutover/plugins)");
            }
        }
        return new SecretSourceRegistry(Collections.unmodifiableMap(m));
    }

    /** The source for a scheme ({@code aws-secretsmanager}); empty for env, file and unknown schemes. */
    public Optional<SecretSource> find(String scheme) {
        return Optional.ofNullable(sources.get(scheme)).map(Discovered::provider);
    }

    /** The plugin jar a scheme's source came from; empty for a built-in source or an unknown scheme. */
    public Optional<Path> origin(String scheme) {
        return Optional.ofNullable(sources.get(scheme)).map(Discovered::jar);
    }

    /** The schemes of the loaded sources, sorted (without env and file). */
    public List<String> schemes() {
        return List.copyOf(sources.keySet());
    }
}
