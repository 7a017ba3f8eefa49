package dev.cutover.journal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who this process runs as and where, as the operating system says (not as the operator typed it):
 * recorded beside {@code --operator} so a record always names the account that acted.
 */
public final class OsIdentity {
    private OsIdentity() {
    }

    /** The OS user name ({@code user.name}), or {@code unknown}. */
    public static String user() {
        return System.getProperty("user.name", "unknown");
    }

    /** The numeric user id on Unix (owner of {@code /proc/self}), or null where it cannot be read cheaply. */
    public static Integer uid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i ? i : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** This host's name as the run header records it. */
    public static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown");
        }
    }
}
