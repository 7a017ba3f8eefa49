package dev.cutover.spi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real process trees: double forks, setsid, a cleared environment, a crashed parent. */
class ChildProcessesTest {
    @TempDir
    Path dir;
    private final List<Long> toClean = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        toClean.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private Process start(Map<String, String> env, String script) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ChildProcesses.inOwnSession(List.of("sh", "-c", script)));
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("PATH", System.getenv("PATH"));
        pb.environment().put("D", dir.toString());
        Process p = pb.redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        toClean.add(p.pid());
        return p;
    }

    private long pidIn(String file) throws Exception {
        Path f = dir.resolve(file);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            if (Files.exists(f)) {
                String s = Files.readString(f).trim();
                if (!s.isEmpty() && s.endsWith(";")) {
                    long pid = Long.parseLong(s.substring(0, s.length() - 1));
                    toClean.add(pid);
                    return pid;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no pid in " + f + "; " + Files.readString(dir.resolve("out.log")));
    }

    private static boolean alive(long pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s;
        try {
            s = Files.readString(stat);
        } catch (IOException e) {
            return false;
        }
        return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    }

    @Test
    void theTagFormatIsRunSlashStepAndNestedRunsKeepTheOuterTag() {
        assertEquals("20261130T083000Z-1f2e/copy-data", ChildProcesses.tag("20261130T083000Z-1f2e", "copy-data"));
        assertEquals("r/copy-data/undo", ChildProcesses.tag("r", "copy-data", "undo"));
        assertFalse(LinuxProcess.contains("r/copy-data/undo", "r/copy-data"), "killing a step spares its undo");
        Map<String, String> inner = ChildProcesses.forStep(Map.of(ChildProcesses.TAG_VARIABLE, "outer/a"), "inner/b");
        assertEquals("outer/a inner/b", inner.get(ChildProcesses.TAG_VARIABLE));
        Map<String, String> service = ChildProcesses.forService(inner, "inner/start");
        assertFalse(service.containsKey(ChildProcesses.TAG_VARIABLE), "a service is not under any step tag");
        assertEquals("outer/a inner/b inner/start", service.get(ChildProcesses.SERVICE_TAG_VARIABLE));
        assertTrue(LinuxProcess.contains("outer/a inner/b", "inner/b"));
        assertFalse(LinuxProcess.contains("outer/a inner/b2", "inner/b"), "tags match whole, not as prefixes");
    }

    @Test
    void afterTheParentWasKilledWithSigkillTheTagStillFindsDoubleForkedSetsidGrandchildren() throws Exception {
        String tag = ChildProcesses.tag("crashed-run", "transfer");
        // the stand-in for a cutover that dies: its step's tree double-forks and moves a grandchild to a new session
        Process crashed = start(ChildProcesses.forStep(Map.of(), tag), """
                ( setsid sh -c 'echo "$$;" > "$D/grandchild.pid"; sleep 3; touch "$D/written"' & )
                ( sh -c 'echo "$$;" > "$D/child.pid"; exec sleep 100' & )
                echo "$$;" > "$D/root.pid"
                exec sleep 100
                """);
        long grandchild = pidIn("grandchild.pid");
        long child = pidIn("child.pid");
        pidIn("root.pid");
        crashed.destroyForcibly();
        assertTrue(crashed.waitFor(10, TimeUnit.SECONDS));
        assertTrue(alive(grandchild) && alive(child), "the orphans outlive their parent until someone kills them");
        List<Long> found = ChildProcesses.tagged(tag).stream().map(ProcessHandle::pid).toList();
        assertTrue(found.contains(grandchild) && found.contains(child), "found by their tag alone: " + found);

        ChildProcesses.Stopped stopped = ChildProcesses.killTagged(tag);

        assertTrue(stopped.processes().containsKey(grandchild) && stopped.processes().containsKey(child),
                stopped.toString());
        assertFalse(alive(grandchild), "the setsid grandchild was stopped");
        assertFalse(alive(child), "the double-forked child was stopped");
        assertEquals(List.of(), ChildProcesses.tagged(tag));
        assertFalse(Files.exists(dir.resolve("written")), "it never wrote: it is dead");
        assertFalse(ChildProcesses.killTagged(tag).any(), "a second call finds nothing");
    }

    @Test
    void theOrphanOfAStepThatExitedBeforeItWasRegisteredIsStillItsOwn() throws Exception {
        assertTrue(ChildProcesses.prepare(), "this JVM becomes the child subreaper");
        String tag = ChildProcesses.tag("run", "quick-" + System.nanoTime());
        Process root = start(ChildProcesses.forStep(Map.of(), tag), """
                ( env -i /bin/sh -c 'echo "$$;" > "$1/quick.pid"; exec setsid sleep 100' sh "$D" & )
                exit 0
                """);
        long orphan = pidIn("quick.pid");
        // the step ended and was reaped before the engine registered it (the race a daemonizing step wins)
        assertTrue(root.waitFor(10, TimeUnit.SECONDS));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(Path.of("/proc/" + root.pid())) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        ChildProcesses.started(root, tag);

        ChildProcesses.Stopped stopped = ChildProcesses.killTagged(tag);

        assertFalse(alive(orphan), "the untagged orphan of the step was stopped: " + stopped);
    }

    @Test
    void orphansThatClearedTheirEnvironmentAreFoundThroughTheSubreaperAndOtherTagsAreLeftAlone() throws Exception {
        assertTrue(ChildProcesses.prepare(), "this JVM becomes the child subreaper");
        String mine = ChildProcesses.tag("run", "mine");
        String other = ChildProcesses.tag("run", "other");
        Process service = start(ChildProcesses.forService(Map.of(), other), "echo \"$$;\" > \"$D/service.pid\"; "
                + "exec sleep 100");
        ChildProcesses.started(service, other);
        pidIn("service.pid");
        Process root = start(ChildProcesses.forStep(Map.of(), mine), """
                ( env -i /bin/sh -c 'echo "$$;" > "$1/clean.pid"; exec setsid sleep 100' sh "$D" & )
                ( sh -c 'echo "$$;" > "$D/tagged.pid"; exec sleep 100' & )
                exit 0
                """);
        ChildProcesses.started(root, mine);
        long clean = pidIn("clean.pid");
        long tagged = pidIn("tagged.pid");
        assertTrue(root.waitFor(10, TimeUnit.SECONDS));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(clean).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(0L)
                != ProcessHandle.current().pid() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(ProcessHandle.current().pid(), ProcessHandle.of(clean).flatMap(ProcessHandle::parent)
                .map(ProcessHandle::pid).orElse(0L), "the orphan was reparented to this JVM, not to init");

        ChildProcesses.Stopped stopped = ChildProcesses.killTagged(mine);

        assertFalse(alive(clean), "the untagged orphan was stopped: " + stopped);
        assertFalse(alive(tagged), "the tagged orphan was stopped: " + stopped);
        assertTrue(service.isAlive(), "another step's service is left alone");
        assertFalse(Files.exists(Path.of("/proc/" + clean)), "the killed orphan was reaped, not left a zombie");
        ChildProcesses.killTagged(other);
        assertTrue(service.waitFor(10, TimeUnit.SECONDS), "the service dies with its own step's tag");
    }
}
