package dev.cutover.plugin;

import dev.cutover.spi.StepType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The step types available to runbooks, found once with {@link ServiceLoader}. Duplicate ids are
 * rejected, naming both classes.
 */
public final class StepTypeRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(StepTypeRegistry.class);
    private final Map<String, StepType> types;

    public StepTypeRegistry(Collection<? extends StepType> types) {
        Map<String, StepType> m = new TreeMap<>();
        for (StepType t : types) {
            StepType prev = m.putIfAbsent(t.id(), t);
            if (prev != null) {
                throw new IllegalStateException("two step types claim the id '" + t.id() + "': "
                        + prev.getClass().getName() + " and " + t.getClass().getName()
                        + "; remove one of the jars from the class path");
            }
        }
        this.types = Collections.unmodifiableMap(m);
    }

    /** Loads every {@link StepType} on the class path. */
    public static StepTypeRegistry load() {
        return load(Thread.currentThread().getContextClassLoader());
    }

    public static StepTypeRegistry load(ClassLoader loader) {
        List<StepType> found = ServiceLoader.load(StepType.class, loader).stream()
                .map(ServiceLoader.Provider::get).toList();
        StepTypeRegistry r = new StepTypeRegistry(found);
        if (LOG.isDebugEnabled()) {
            for (StepType t : r.types.values()) {
                LOG.debug("step type {} {} from {}", t.id(), t.version(),
                        t.getClass().getProtectionDomain().getCodeSource());
            }
        }
        return r;
    }

    public Optional<StepType> find(String id) {
        return Optional.ofNullable(types.get(id));
    }

    /** Every type, sorted by id. */
    public Collection<StepType> all() {
        return types.values();
    }

    /** A registry with these types added (tests, rehearsal fault injection). */
    public StepTypeRegistry with(StepType... extra) {
        java.util.ArrayList<StepType> all = new java.util.ArrayList<>(types.values());
        all.addAll(List.of(extra));
        return new StepTypeRegistry(all);
    }
}
