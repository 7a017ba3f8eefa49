package dev.cutover.spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One process as {@code /proc/PID} shows it: parent, process group, session, start time (clock ticks
 * since boot), whether it is a zombie, and the two tag variables of its environment (null when the
 * environment cannot be read: another user's process, a zombie, or a process that just ended).
 */
record LinuxProcess(long pid, long ppid, long pgrp, long session, long startTicks, boolean zombie, String command,
                    String stepTags, String serviceTags, boolean environmentRead) {

    private static final Path PROC = Path.of("/proc");
    private static final boolean AVAILABLE = Files.isReadable(PROC.resolve("self").resolve("stat"));

    /** Whether this machine has a Linux {@code /proc}. */
    static boolean available() {
        return AVAILABLE;
    }

    /** Every process visible now; processes that end while being read are left out. */
    static List<LinuxProcess> all() {
        List<LinuxProcess> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0)) && name.chars().allMatch(Character::isDigit)) {
                    read(Long.parseLong(name)).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            // /proc vanished? nothing to report
        }
        return out;
    }

    /** The process with this pid, or empty when it does not exist (any more). */
    static Optional<LinuxProcess> read(long pid) {
        Path dir = PROC.resolve(Long.toString(pid));
        String stat;
        try {
            stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return Optional.empty();
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 > stat.length()) {
            return Optional.empty();
        }
        String command = stat.substring(open + 1, close);
        String[] f = stat.substring(close + 2).split(" ");
        if (f.length < 20) {
            return Optional.empty();
        }
        boolean zombie = f[0].equals("Z") || f[0].equals("X");
        String step = null;
        String service = null;
        boolean envRead = false;
        if (!zombie) {
            try {
                byte[] env = Files.readAllBytes(dir.resolve("environ"));
                envRead = true;
                String stepPrefix = ChildProcesses.TAG_VARIABLE + "=";
                String servicePrefix = ChildProcesses.SERVICE_TAG_VARIABLE + "=";
                int start = 0;
                for (int i = 0; i <= env.length; i++) {
                    if (i == env.length || env[i] == 0) {
                        if (i > start && env[start] == 'C') {
                            String entry = new String(env, start, i - start, StandardCharsets.UTF_8);
                            if (entry.startsWith(stepPrefix)) {
                                step = entry.substring(stepPrefix.length());
                            } else if (entry.startsWith(servicePrefix)) {
                                service = entry.substring(servicePrefix.length());
                            }
                        }
                        start = i + 1;
                    }
                }
            } catch (IOException e) {
                // not ours to read, or gone
            }
        }
        try {
            return Optional.of(new LinuxProcess(pid, Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[19]), zombie, command, step, service, envRead));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the environment carries {@code tag} in either tag variable. */
    boolean carries(String tag) {
        return contains(stepTags, tag) || contains(serviceTags, tag);
    }

    /** Whether the environment was read and carries no tag at all. */
    boolean untagged() {
        return environmentRead && stepTags == null && serviceTags == null;
    }

    static boolean contains(String list, String tag) {
        if (list == null) {
            return false;
        }
        for (String t : list.split(" ")) {
            if (t.equals(tag)) {
                return true;
            }
        }
        return false;
    }
}
