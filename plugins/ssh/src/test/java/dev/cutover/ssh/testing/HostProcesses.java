package dev.cutover.ssh.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Looks at this machine's processes (the sshd "hosts" of the tests run here, so their processes too) through /proc. */
public final class HostProcesses {
    private HostProcesses() {
    }

    /** Live (not zombie) processes whose environment holds {@code entry} ({@code NAME=value}), as "pid command". */
    public static List<String> carrying(String entry) {
        return matching("environ", entry);
    }

    /** {@link #carrying}, asked again for up to 10 s while any is left (a SIGKILL is delivered asynchronously). */
    public static List<String> awaitGone(String entry) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        List<String> left = carrying(entry);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = carrying(entry);
        }
        return left;
    }

    /** Live processes whose command line (any argument) contains {@code text}. */
    public static List<String> withCommandLineContaining(String text) {
        return matching("cmdline", text);
    }

    private static List<String> matching(String file, String text) {
        List<String> out = new ArrayList<>();
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .matches("\\d+"))) {
            for (Path p : procs) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                        continue;
                    }
                    byte[] content = Files.readAllBytes(p.resolve(file));
                    if (contains(content, needle, file.equals("environ"))) {
                        out.add(p.getFileName() + " " + stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static boolean contains(byte[] hay, byte[] needle, boolean whole) {
        if (whole) {
            int start = 0;
            for (int i = 0; i <= hay.length; i++) {
                if (i == hay.length || hay[i] == 0) {
                    if (Arrays.equals(Arrays.copyOfRange(hay, start, i), needle)) {
                        return true;
                    }
                    start = i + 1;
                }
            }
            return false;
        }
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
