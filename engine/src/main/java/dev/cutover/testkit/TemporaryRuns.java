package dev.cutover.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where {@link StepTestKit} keeps the run directories it makes itself: one parent per JVM in the system temp
 * directory, {@code cutover-testkit-<pid>-<random>}, removed when the JVM ends. A JVM that is killed (a build
 * stopped, a forked test JVM timed out) cannot remove its own, so the next JVM that uses the kit removes every
 * parent whose process is gone. Nothing piles up in {@code /tmp} build after build.
 */
final class TemporaryRuns {
    static final String PREFIX = "cutover-testkit-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");
    private static Path parent;

    private TemporaryRuns() {
    }

    /** This JVM's parent directory, made (and the leftovers of dead JVMs removed) on first use. */
    static synchronized Path parent() throws IOException {
        if (parent == null) {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            sweep(tmp);
            Path made = Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(made), "cutover-testkit-cleanup"));
            parent = made;
        }
        return parent;
    }

    /** Removes the kit parents in {@code tmp} whose JVM is no longer running; returns how many. */
    static int sweep(Path tmp) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path d : dirs) {
                Matcher m = NAME.matcher(d.getFileName().toString());
                if (m.matches() && !alive(Long.parseLong(m.group(1))) && Files.isDirectory(d)) {
                    deleteTree(d);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort: what is left is swept by the next JVM that uses the kit
        }
    }
}
