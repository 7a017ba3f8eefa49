package dev.cutover.run;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/**
 * A separate JVM for lock tests: {@code LockProbe LOCKDIR KEY RUNID RUNDIR hold|try|double-close}.
 * Prints one of {@code acquired}, {@code held}, {@code abandoned}, then: {@code try} releases and exits;
 * {@code hold} keeps the lock until stdin closes or is killed; {@code double-close} releases, prints
 * {@code released}, waits for a line on stdin, closes again, prints {@code closed-again} and exits.
 */
final class LockProbe {
    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path lockDir = Path.of(args[0]);
        RunLock lock;
        try {
            RunLock.Acquired a = RunLock.acquire(lockDir, args[1], args[2], Path.of(args[3]), "probe", Set.of());
            lock = a.lock();
            System.out.println("acquired" + (a.tookOverFrom().isPresent() ? " took-over" : ""));
        } catch (RunLock.HeldException e) {
            System.out.println(e.abandoned() ? "abandoned" : "held");
            return;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        switch (args[4]) {
            case "hold" -> {
                while (in.readLine() != null) {
                    // keep holding
                }
                lock.close();
            }
            case "double-close" -> {
                lock.close();
                System.out.println("released");
                in.readLine();
                lock.close();
                System.out.println("closed-again");
            }
            default -> lock.close();
        }
    }
}
