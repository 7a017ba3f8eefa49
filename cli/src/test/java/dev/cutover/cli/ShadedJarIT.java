package dev.cutover.cli;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded jar keeps what it owes the libraries it bundles: every bundled dependency's LICENSE and
 * NOTICE files, byte for byte, under {@code META-INF/third-party/<artifact>/} (one dependency's file
 * never overwrites another's), and the manifest lets JNA load its native library on JDK 24+ without a
 * warning.
 */
class ShadedJarIT {
    static final Path JAR = Path.of("target", "cutover.jar").toAbsolutePath();

    /** The files the parent pom's third-party-licenses execution copies (its includes, as a pattern). */
    private static final Pattern NOTICE = Pattern.compile("META-INF/(LICENSE[^/]*|NOTICE[^/]*|[^/]*-LICENSE[^/]*"
            + "|[^/]*-NOTICE[^/]*|licenses/.+)|LICENSE[^/]*|NOTICE[^/]*|THIRD-PARTY[^/]*");

    @Test
    void everyBundledDependencyKeepsItsOwnLicenseAndNoticeFiles() throws IOException {
        List<String> checked = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try (ZipFile shaded = new ZipFile(JAR.toFile())) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path dep = Path.of(entry);
                // a Maven repository jar: .../<groupId path>/<artifactId>/<version>/<artifactId>-<version>.jar
                if (!entry.endsWith(".jar") || dep.getParent() == null || dep.getParent().getParent() == null) {
                    continue;
                }
                String artifact = dep.getParent().getParent().getFileName().toString();
                try (ZipFile jar = new ZipFile(dep.toFile())) {
                    if (!bundled(jar, shaded)) {
                        continue;   // a test-only dependency (JUnit, the demo environment, ...)
                    }
                    for (ZipEntry e : jar.stream().filter(e -> !e.isDirectory() && NOTICE.matcher(e.getName()).matches())
                            .toList()) {
                        String copy = "META-INF/third-party/" + artifact + "/" + e.getName();
                        ZipEntry inShaded = shaded.getEntry(copy);
                        if (inShaded == null) {
                            missing.add(copy + " (from " + dep.getFileName() + ")");
                            continue;
                        }
                        assertArrayEquals(jar.getInputStream(e).readAllBytes(),
                                shaded.getInputStream(inShaded).readAllBytes(), copy + " differs from " + dep);
                        checked.add(copy);
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "notices of bundled dependencies missing from " + JAR);
        // the bundled libraries that ship notices: Jackson, the AWS SDK, Commons, Bouncy Castle, JNA, ...
        assertTrue(checked.stream().anyMatch(c -> c.startsWith("META-INF/third-party/jackson-core/META-INF/NOTICE")),
                "the check saw Jackson's NOTICE: " + checked);
        assertTrue(checked.size() >= 40, "notices checked: " + checked);
    }

    /**
     * The product jar stays small (issue 15: at most 40 MB, no PostgreSQL binaries: the demo has its own jar)
     * and still carries JNA's dispatch library for the Linux CPUs cutover controls processes on.
     */
    @Test
    void theProductJarIsAtMost40MbWithoutPostgresBinariesAndKeepsLinuxJna() throws IOException {
        long size = java.nio.file.Files.size(JAR);
        org.junit.jupiter.api.Assertions.assertTrue(size <= 40_000_000L, JAR + " is " + size + " bytes");
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            List<String> binaries = jar.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.endsWith(".txz") || n.contains("postgres-") && n.contains("bin")).toList();
            assertEquals(List.of(), binaries, "PostgreSQL binaries belong to the demo's jar");
            org.junit.jupiter.api.Assertions.assertNotNull(jar.getEntry("com/sun/jna/linux-x86-64/libjnidispatch.so"));
            org.junit.jupiter.api.Assertions.assertNotNull(jar.getEntry("com/sun/jna/linux-aarch64/libjnidispatch.so"));
            org.junit.jupiter.api.Assertions.assertNull(jar.getEntry("com/sun/jna/win32-x86-64/jnidispatch.dll"));
        }
    }

    @Test
    void theManifestEnablesNativeAccessForJna() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertNotNull(jar.getManifest(), "a manifest");
            assertEquals("ALL-UNNAMED", jar.getManifest().getMainAttributes().getValue("Enable-Native-Access"));
        }
    }

    /** Whether the shaded jar holds the classes of {@code jar} (the first few, by name). */
    private static boolean bundled(ZipFile jar, ZipFile shaded) {
        List<String> classes = jar.stream().map(ZipEntry::getName)
                .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class"))
                .limit(3).toList();
        return !classes.isEmpty() && classes.stream().allMatch(n -> shaded.getEntry(n) != null);
    }
}
