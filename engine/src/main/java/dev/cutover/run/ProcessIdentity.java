package dev.cutover.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One process on this machine, told apart from a later process that reuses its pid: the pid plus
 * the process's start time. On Linux the start time is field 22 of {@code /proc/PID/stat} (clock
 * ticks since boot) qualified by the kernel's boot id, so it is exact and survives clock changes;
 * elsewhere it is {@link ProcessHandle.Info#startInstant()} in milliseconds.
 *
 * @param pid   the process id
 * @param start an opaque start-time token; null when it was not recorded (journals of older versions)
 */
public record ProcessIdentity(long pid, String start) {
    private static final Path PROC = Path.of("/proc");
    private static final ProcessIdentity CURRENT = of(ProcessHandle.current().pid()).orElse(
            new ProcessIdentity(ProcessHandle.current().pid(), null));

    /** This JVM. */
    public static ProcessIdentity current() {
        return CURRENT;
    }

    /** The process that has {@code pid} now, if there is one. */
    public static Optional<ProcessIdentity> of(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (h.isEmpty()) {
            return Optional.empty();
        }
        String linux = linuxStart(pid);
        if (linux != null) {
            return Optional.of(new ProcessIdentity(pid, linux));
        }
        return Optional.of(new ProcessIdentity(pid, h.get().info().startInstant()
                .map(i -> "ms:" + i.toEpochMilli()).orElse(null)));
    }

    /**
     * Whether this process is still running. With a recorded start time that is exact (a reused pid
     * is a different process). Without one (an older journal) the pid must be alive and must not have
     * started after {@code notAfter}, the time the process was known to be running, when given.
     */
    public boolean isAlive(Instant notAfter) {
        if (pid == ProcessHandle.current().pid()) {
            // this process is alive; it is the recorded one only if the start time says so
            return start != null && start.equals(CURRENT.start());
        }
        Optional<ProcessIdentity> now = of(pid);
        if (now.isEmpty()) {
            return false;
        }
        if (start != null && now.get().start() != null) {
            return start.equals(now.get().start());
        }
        if (notAfter == null) {
            return true;
        }
        Optional<Instant> began = ProcessHandle.of(pid).flatMap(p -> p.info().startInstant());
        return began.map(b -> !b.isAfter(notAfter.plusSeconds(1))).orElse(true);
    }

    /** {@code ticks-since-boot@boot-id} from /proc, or null off Linux. */
    private static String linuxStart(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            // the command name (field 2) is in parentheses and may itself hold spaces and parentheses
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            String ticks = rest[19]; // field 22 overall; rest starts at field 3
            String boot = Files.readString(PROC.resolve("sys/kernel/random/boot_id"), StandardCharsets.UTF_8).trim();
            return ticks + "@" + boot;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "pid " + pid + (start == null ? "" : " started " + start);
    }
}
