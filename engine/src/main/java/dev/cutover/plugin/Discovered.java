package dev.cutover.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * One provider found with {@link ServiceLoader}, and where it came from.
 *
 * @param provider the instance
 * @param jar      the plugin jar it came from, or null for cutover's own class path (built in)
 */
record Discovered<T>(T provider, Path jar) {

    /** "built in" or the jar's path, for messages and listings. */
    String origin() {
        return jar == null ? "built in" : jar.toString();
    }

    /** Every provider of {@code spi}: the built-in ones first, then each plugin jar's, in path order. */
    static <T> List<Discovered<T>> load(Class<T> spi, PluginPath path) {
        List<Discovered<T>> found = new ArrayList<>();
        try {
            for (T t : ServiceLoader.load(spi, path.builtInLoader())) {
                found.add(new Discovered<>(t, null));
            }
        } catch (ServiceConfigurationError e) {
            throw new PluginException("cannot load the built-in " + spi.getSimpleName()
                    .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT) + "s: "
                    + dev.cutover.spi.ErrorText.of(e), e);
        }
        for (Map.Entry<Path, ClassLoader> jar : path.jarLoaders().entrySet()) {
            ClassLoader loader = jar.getValue();
            try {
                ServiceLoader.load(spi, loader).stream()
                        .filter(p -> p.type().getClassLoader() == loader)
                        .forEach(p -> found.add(new Discovered<>(p.get(), jar.getKey())));
            } catch (ServiceConfigurationError | LinkageError e) {
                throw new PluginException("plugin jar " + jar.getKey() + " cannot be loaded (" + e.getMessage()
                        + "); it may be built for another cutover version. Remove it from the plugin path or "
                        + "rebuild it against this cutover.", e);
            }
        }
        return found;
    }
}
