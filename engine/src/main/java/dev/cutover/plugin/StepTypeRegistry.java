package dev.cutover.plugin;

import dev.cutover.spi.StepType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The step types available to runbooks, found once with {@link ServiceLoader}: cutover's own, then
 * those of the plugin jars on the {@link PluginPath}. Duplicate ids are refused, naming both
 * classes and the jars they came from.
 */
public final class StepTypeRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(StepTypeRegistry.class);
    private final Map<String, Discovered<StepType>> types;

    public StepTypeRegistry(Collection<? extends StepType> types) {
        this(index(types.stream().map(t -> new Discovered<StepType>(t, null)).toList()));
    }

    private StepTypeRegistry(Map<String, Discovered<StepType>> types) {
        this.types = types;
    }

    private static Map<String, Discovered<StepType>> index(List<Discovered<StepType>> found) {
        Map<String, Discovered<StepType>> m = new TreeMap<>();
        for (Discovered<StepType> d : found) {
            Discovered<StepType> prev = m.putIfAbsent(d.provider().id(), d);
            if (prev != null) {
                throw new PluginException("two step types claim the id '" + d.provider().id() + "': "
                        + prev.provider().getClass().getName() + " (" + prev.origin() + ") and "
                        + d.provider().getClass().getName() + " (" + d.origin() + "); "
                        + (prev.jar() == null && d.jar() == null ? "remove one of the jars from the class path"
                        : "remove one of the jars from the plugin path ($" + PluginPath.ENV
                        + " or ~/.cutover/plugins)"));
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Loads every {@link StepType} on the class path (the thread's context class loader); no plugin jars. */
    public static StepTypeRegistry load() {
        return load(Thread.currentThread().getContextClassLoader());
    }

    public static StepTypeRegistry load(ClassLoader loader) {
        List<StepType> found = ServiceLoader.load(StepType.class, loader).stream()
                .map(ServiceLoader.Provider::get).toList();
        return logged(new StepTypeRegistry(found));
    }

    /**
     * Loads cutover's own step types and those of every jar on {@code plugins}.
     *
     * @throws PluginException when two of them claim one id, or a jar cannot be loaded
     */
    public static StepTypeRegistry load(PluginPath plugins) {
        return logged(new StepTypeRegistry(index(Discovered.load(StepType.class, plugins))));
    }

    private static StepTypeRegistry logged(StepTypeRegistry r) {
        if (LOG.isDebugEnabled()) {
            for (Discovered<StepType> d : r.types.values()) {
                LOG.debug("step type {} {} from {}", d.provider().id(), d.provider().version(),
                        d.jar() != null ? d.jar() : d.provider().getClass().getProtectionDomain().getCodeSource());
            }
        }
        return r;
    }

    public Optional<StepType> find(String id) {
        return Optional.ofNullable(types.get(id)).map(Discovered::provider);
    }

    /** Every type, sorted by id. */
    public Collection<StepType> all() {
        return types.values().stream().map(Discovered::provider).toList();
    }

    /** The plugin jar a type came from; empty for a built-in type or an unknown id. */
    public Optional<Path> origin(String id) {
        return Optional.ofNullable(types.get(id)).map(Discovered::jar);
    }

    /** A registry with these types added (tests, rehearsal fault injection). */
    public StepTypeRegistry with(StepType... extra) {
        java.util.ArrayList<Discovered<StepType>> all = new java.util.ArrayList<>(types.values());
        for (StepType t : extra) {
            all.add(new Discovered<>(t, null));
        }
        return new StepTypeRegistry(index(all));
    }
}
