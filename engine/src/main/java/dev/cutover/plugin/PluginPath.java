package dev.cutover.plugin;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where plugin jars are installed, and one class loader per jar.
 *
 * <p>{@code CUTOVER_PLUGIN_PATH} is a list of directories or jar files separated by the platform's
 * path separator ({@code :} on Unix); a directory contributes every {@code *.jar} directly in it, in
 * name order. When the variable is unset or empty, the per-user directory {@code ~/.cutover/plugins}
 * is used if it exists. An entry the variable names that does not exist is an error (a typo must
 * not silently drop a plugin).
 *
 * <p>Each jar gets its own class loader whose parent is cutover's, so a plugin sees the SPI and
 * cutover's libraries but not other plugins; a plugin jar must carry its own dependencies. Two
 * jars that provide the same step type id or secret scheme are refused by the registries, naming
 * both jars.
 *
 * @since 0.1
 */
public final class PluginPath {
    /** The environment variable naming the plugin directories and jars. */
    public static final String ENV = "CUTOVER_PLUGIN_PATH";

    private final List<Path> jars;
    private final Map<Path, ClassLoader> loaders;
    private final ClassLoader builtIn;

    private PluginPath(List<Path> jars, ClassLoader builtIn) {
        this.jars = List.copyOf(jars);
        this.builtIn = builtIn;
        Map<Path, ClassLoader> m = new LinkedHashMap<>();
        for (Path jar : this.jars) {
            m.put(jar, new URLClassLoader("cutover-plugin:" + jar.getFileName(), new URL[] {url(jar)}, builtIn));
        }
        this.loaders = Collections.unmodifiableMap(m);
    }

    /** Only what is on cutover's own class path. */
    public static PluginPath none() {
        return new PluginPath(List.of(), PluginPath.class.getClassLoader());
    }

    /**
     * The plugin path an invocation with these environment variables uses: {@code CUTOVER_PLUGIN_PATH},
     * else {@code <userHome>/.cutover/plugins} when that directory exists.
     *
     * @param environment the environment variables; not null
     * @param userHome    the user's home directory, or null for none
     * @throws PluginException when an entry of {@code CUTOVER_PLUGIN_PATH} does not exist or is
     *                         neither a directory nor a jar, or a directory cannot be listed
     */
    public static PluginPath fromEnvironment(Map<String, String> environment, Path userHome) {
        String list = environment.get(ENV);
        List<Path> jars = new ArrayList<>();
        if (list != null && !list.isBlank()) {
            for (String entry : list.split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path p = Path.of(entry.trim()).toAbsolutePath().normalize();
                if (Files.isDirectory(p)) {
                    jars.addAll(jarsIn(p));
                } else if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar")) {
                    jars.add(p);
                } else {
                    throw new PluginException(ENV + " names " + p + ", which "
                            + (Files.exists(p) ? "is neither a directory nor a .jar file" : "does not exist")
                            + "; fix the entry or remove it");
                }
            }
        } else if (userHome != null) {
            Path dir = userHome.resolve(".cutover").resolve("plugins");
            if (Files.isDirectory(dir)) {
                jars.addAll(jarsIn(dir));
            }
        }
        return new PluginPath(jars.stream().distinct().toList(), PluginPath.class.getClassLoader());
    }

    /** These jars, in this order (tests, embedding). */
    public static PluginPath of(List<Path> jars) {
        return new PluginPath(jars.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList(),
                PluginPath.class.getClassLoader());
    }

    /** The plugin jars, in load order. */
    public List<Path> jars() {
        return jars;
    }

    /** The class loader of cutover's own (built-in) types. */
    ClassLoader builtInLoader() {
        return builtIn;
    }

    /** One class loader per plugin jar, in load order. */
    Map<Path, ClassLoader> jarLoaders() {
        return loaders;
    }

    private static List<Path> jarsIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .map(p -> p.toAbsolutePath().normalize()).sorted().toList();
        } catch (IOException e) {
            throw new PluginException("cannot list the plugin directory " + dir + ": " + e.getMessage());
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginException("plugin jar " + jar + " has no usable URL: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return jars.isEmpty() ? "(no plugin jars)" : jars.toString();
    }
}
