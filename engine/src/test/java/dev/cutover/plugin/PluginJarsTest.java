package dev.cutover.plugin;

import dev.cutover.spi.SecretSource;
import dev.cutover.spi.StepType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plugin jars compiled here from source (as a team would build one), loaded through the plugin
 * path: found with their origin, duplicates refused naming both jars.
 */
class PluginJarsTest {
    @TempDir
    Path dir;

    /** Compiles a step type with this id and (when scheme is not null) a secret source into a jar. */
    private Path pluginJar(String name, String pkg, String id, String scheme) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src-" + name).resolve(pkg));
        Files.writeString(src.resolve("Check.java"), """
                package %s;
                public final class Check implements dev.cutover.spi.Check {
                    public String id() { return "%s"; }
                    public java.util.List<dev.cutover.spi.InputSpec> inputs() { return java.util.List.of(); }
                    public dev.cutover.spi.StepResult check(dev.cutover.spi.StepContext c) {
                        return dev.cutover.spi.StepResult.done(java.util.Map.of());
                    }
                }
                """.formatted(pkg, id));
        if (scheme != null) {
            Files.writeString(src.resolve("Vault.java"), """
                    package %s;
                    public final class Vault implements dev.cutover.spi.SecretSource {
                        public String scheme() { return "%s"; }
                        public dev.cutover.spi.Secret fetch(String ref) { return new dev.cutover.spi.Secret("v-" + ref); }
                    }
                    """.formatted(pkg, scheme));
        }
        Path classes = Files.createDirectories(dir.resolve("classes-" + name));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String spi = Path.of(StepType.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-cp", spi, "--release", "17"));
        try (Stream<Path> s = Files.list(src)) {
            s.forEach(p -> args.add(p.toString()));
        }
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "compiles");
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            try (Stream<Path> s = Files.walk(classes)) {
                for (Path c : s.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(c).toString().replace(File.separatorChar, '/')));
                    out.write(Files.readAllBytes(c));
                }
            }
            entry(out, "META-INF/services/" + StepType.class.getName(), pkg + ".Check\n");
            if (scheme != null) {
                entry(out, "META-INF/services/" + SecretSource.class.getName(), pkg + ".Vault\n");
            }
        }
        return jar;
    }

    private static void entry(JarOutputStream out, String name, String text) throws Exception {
        out.putNextEntry(new JarEntry(name));
        OutputStream o = out;
        o.write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aStepTypeAndASecretSourceFromAJarAreFoundWithTheJarAsOrigin() throws Exception {
        Path jar = pluginJar("acme.jar", "acme", "acme.check", "acme-vault");
        PluginPath path = PluginPath.of(List.of(jar));
        StepTypeRegistry types = StepTypeRegistry.load(path);
        StepType t = types.find("acme.check").orElseThrow();
        assertEquals(jar, types.origin("acme.check").orElseThrow());
        assertTrue(t.readOnly(java.util.Map.of()));
        SecretSourceRegistry secrets = SecretSourceRegistry.load(path);
        assertEquals(jar, secrets.origin("acme-vault").orElseThrow());
        assertEquals("v-db", secrets.find("acme-vault").orElseThrow().fetch("db").reveal());
        assertTrue(StepTypeRegistry.load(PluginPath.none()).find("acme.check").isEmpty(), "not on the class path");
    }

    @Test
    void twoJarsClaimingOneStepTypeIdAreRefusedNamingBothJars() throws Exception {
        Path a = pluginJar("a.jar", "alpha", "acme.check", null);
        Path b = pluginJar("b.jar", "beta", "acme.check", null);
        PluginException e = assertThrows(PluginException.class,
                () -> StepTypeRegistry.load(PluginPath.of(List.of(a, b))));
        assertTrue(e.getMessage().contains("two step types claim the id 'acme.check': alpha.Check (" + a
                + ") and beta.Check (" + b + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("CUTOVER_PLUGIN_PATH"), e.getMessage());
    }

    @Test
    void theSameJarCopiedTwiceIsRefusedToo() throws Exception {
        Path a = pluginJar("a.jar", "alpha", "acme.check", null);
        Path copy = Files.copy(a, dir.resolve("a-copy.jar"));
        PluginException e = assertThrows(PluginException.class,
                () -> StepTypeRegistry.load(PluginPath.of(List.of(a, copy))));
        assertTrue(e.getMessage().contains(a.toString()) && e.getMessage().contains(copy.toString()), e.getMessage());
    }

    @Test
    void secretSchemesAreUniqueAndEnvAndFileAreReserved() throws Exception {
        Path a = pluginJar("a.jar", "alpha", "alpha.check", "vault");
        Path b = pluginJar("b.jar", "beta", "beta.check", "vault");
        PluginException dup = assertThrows(PluginException.class,
                () -> SecretSourceRegistry.load(PluginPath.of(List.of(a, b))));
        assertTrue(dup.getMessage().contains("two secret sources claim the scheme 'vault:': alpha.Vault (" + a
                + ") and beta.Vault (" + b + ")"), dup.getMessage());
        Path env = pluginJar("env.jar", "gamma", "gamma.check", "env");
        PluginException reserved = assertThrows(PluginException.class,
                () -> SecretSourceRegistry.load(PluginPath.of(List.of(env))));
        assertTrue(reserved.getMessage().contains("gamma.Vault (" + env + ") claims the scheme 'env:'"),
                reserved.getMessage());
    }

    @Test
    void thePluginPathListsJarsOfDirectoriesInNameOrderAndRefusesAMissingEntry() throws Exception {
        Path team = Files.createDirectories(dir.resolve("team"));
        Path b = Files.copy(pluginJar("b.jar", "beta", "beta.check", null), team.resolve("b.jar"));
        Path a = Files.copy(pluginJar("a.jar", "alpha", "alpha.check", null), team.resolve("a.jar"));
        Files.writeString(team.resolve("README.txt"), "not a jar");
        Path single = pluginJar("c.jar", "gamma", "gamma.check", null);
        PluginPath p = PluginPath.fromEnvironment(Map.of(PluginPath.ENV, team + File.pathSeparator + single), null);
        assertEquals(List.of(a, b, single), p.jars());
        assertNotNull(StepTypeRegistry.load(p).find("gamma.check").orElse(null));

        PluginException missing = assertThrows(PluginException.class,
                () -> PluginPath.fromEnvironment(Map.of(PluginPath.ENV, dir.resolve("nope").toString()), null));
        assertTrue(missing.getMessage().contains("CUTOVER_PLUGIN_PATH names " + dir.resolve("nope")
                + ", which does not exist"), missing.getMessage());
    }

    @Test
    void withoutTheVariableTheUsersPluginDirectoryIsUsedIfItExists() throws Exception {
        Path home = dir.resolve("home");
        assertEquals(List.of(), PluginPath.fromEnvironment(Map.of(), home).jars(), "no directory, no jars");
        Path plugins = Files.createDirectories(home.resolve(".cutover/plugins"));
        Path jar = Files.copy(pluginJar("a.jar", "alpha", "alpha.check", null), plugins.resolve("alpha.jar"));
        assertEquals(List.of(jar), PluginPath.fromEnvironment(Map.of(), home).jars());
        assertEquals(List.of(jar), PluginPath.fromEnvironment(Map.of(PluginPath.ENV, " "), home).jars(),
                "a blank variable counts as unset");
    }
}
