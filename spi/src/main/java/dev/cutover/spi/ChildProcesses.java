package dev.cutover.spi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The processes a step starts, and how they are stopped, all of them.
 *
 * <p>Every process a step starts runs in a session of its own ({@link #inOwnSession}: {@code setsid},
 * which execs without forking), so a Ctrl-C at the terminal (SIGINT to the foreground process group)
 * reaches only cutover, and carries the step's tag in its environment ({@link #TAG_VARIABLE}, see
 * {@link #forStep}), which every descendant inherits. {@link #killTagged} stops a step's whole tree
 * without any list of pids remembered from the start: every process whose environment carries the tag,
 * every process in the sessions and process groups those are in, and orphans reparented to cutover
 * (cutover is the child subreaper of everything it starts) that started after the step's first
 * process. So double-forked and {@code setsid} grandchildren die too, even after cutover itself was
 * killed and {@code resume} asks.
 *
 * <p>A long-lived service ({@code process.start}) is tagged differently ({@link #forService}): it
 * outlives its step and cutover, and only {@code killTagged} of the step that started it (on that step's
 * timeout or abort, or when resume finds that step in doubt) stops it.
 *
 * <p>Linux only; elsewhere (or without {@code /proc}) the session and the tag are still set where
 * possible and {@code killTagged} stops only what {@link ProcessHandle} can see.
 *
 * @since 0.2
 */
public final class ChildProcesses {
    /** The environment variable that tags a step's processes: the tags, space-separated, innermost last. */
    public static final String TAG_VARIABLE = "CUTOVER_STEP_TAG";
    /** The environment variable that tags a service a step started to outlive it (see {@link #forService}). */
    public static final String SERVICE_TAG_VARIABLE = "CUTOVER_SERVICE_TAG";

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcesses.class);
    private static final Path SETSID = findSetsid();
    private static final long SELF = ProcessHandle.current().pid();
    /** Roots this JVM started through {@link #started}: pid to tag. */
    private static final Map<Long, String> ROOTS = new ConcurrentHashMap<>();
    /** Per tag, the start time (clock ticks since boot) of its first root: orphans younger than this may be the tag's. */
    private static final Map<String, Long> FIRST_START = new ConcurrentHashMap<>();
    /** Tags whose processes this JVM started (as the subreaper, it finds them all among its descendants). */
    private static final Set<String> LOCAL_TAGS = ConcurrentHashMap.newKeySet();
    private static volatile Boolean subreaper;

    private ChildProcesses() {
    }

    /**
     * The tag of one step of one run, e.g. {@code 20261130T083000Z-1f2e/copy-data}. Journal it with the
     * step's intent: {@code resume} passes it to {@link #killTagged} before probing a step in doubt.
     */
    public static String tag(String runId, String stepId) {
        return clean(runId) + "/" + clean(stepId);
    }

    /**
     * The tag of one phase of a step other than its change: {@code undo}, {@code probe}, {@code poll};
     * e.g. {@code 20261130T083000Z-1f2e/copy-data/undo}. Tags match whole, so killing a step's tag
     * never touches its undo's processes, nor the other way round.
     */
    public static String tag(String runId, String stepId, String phase) {
        return tag(runId, stepId) + "/" + clean(phase);
    }

    /** The tag of the step (or undo, probe) this context belongs to: {@link StepContext#processTag()}. */
    public static String tag(StepContext context) {
        return context.processTag();
    }

    private static String clean(String s) {
        return s == null || s.isBlank() ? "-" : s.strip().replaceAll("\\s+", "_");
    }

    /** Whether processes get sessions of their own here ({@code setsid} was found). */
    public static boolean sessionsSupported() {
        return SETSID != null;
    }

    /**
     * The argv that runs {@code argv} in a new session and process group. util-linux's {@code setsid}
     * execs without forking (the child Java starts is never a group leader), so the pid stays the
     * command's. A program that cannot be started makes setsid exit 126 or 127 with
     * {@code "setsid: failed to execute ..."} on stderr; see {@link #failedToStart}.
     */
    public static List<String> inOwnSession(List<String> argv) {
        if (SETSID == null || argv.isEmpty()) {
            return argv;
        }
        List<String> out = new ArrayList<>(argv.size() + 1);
        out.add(SETSID.toString());
        out.addAll(argv);
        return out;
    }

    /** Whether an exit code and stderr say setsid could not start the program (not found, not executable). */
    public static boolean failedToStart(int exitCode, String stderr) {
        return SETSID != null && (exitCode == 126 || exitCode == 127) && stderr != null
                && stderr.strip().startsWith("setsid: failed to execute");
    }

    /**
     * A copy of {@code environment} that tags a step's process: {@link #TAG_VARIABLE} gets {@code tag}
     * appended (a cutover run inside a step keeps its outer tag too), and {@link #SERVICE_TAG_VARIABLE}
     * is dropped.
     */
    public static Map<String, String> forStep(Map<String, String> environment, String tag) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.remove(SERVICE_TAG_VARIABLE);
        env.put(TAG_VARIABLE, append(env.get(TAG_VARIABLE), tag));
        return env;
    }

    /**
     * A copy of {@code environment} for a service meant to outlive its step: its tags (any inherited
     * step tags, then {@code tag}) go to {@link #SERVICE_TAG_VARIABLE} and {@link #TAG_VARIABLE} is
     * dropped. Only {@link #killTagged} of that same tag (or an outer one) stops it.
     */
    public static Map<String, String> forService(Map<String, String> environment, String tag) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        String inherited = env.remove(TAG_VARIABLE);
        env.put(SERVICE_TAG_VARIABLE, append(append(inherited, env.get(SERVICE_TAG_VARIABLE)), tag));
        return env;
    }

    private static String append(String list, String tag) {
        if (list == null || list.isBlank()) {
            return tag;
        }
        return tag == null || LinuxProcess.contains(list, tag) ? list : list + " " + tag;
    }

    /**
     * Call before starting a step's processes: makes this JVM the child subreaper (Linux
     * {@code prctl(PR_SET_CHILD_SUBREAPER)}) so that orphaned descendants are reparented to it rather
     * than to init. Idempotent; cheap after the first call.
     *
     * @return whether this JVM is the subreaper now
     */
    public static boolean prepare() {
        Boolean s = subreaper;
        if (s != null) {
            return s;
        }
        synchronized (ChildProcesses.class) {
            if (subreaper == null) {
                boolean ok = false;
                try {
                    LibC c = LibC.INSTANCE;
                    ok = c != null && c.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
                } catch (LinkageError | RuntimeException e) {
                    LOG.debug("cannot become the child subreaper", e);
                }
                if (!ok) {
                    LOG.debug("not the child subreaper: orphans of steps are found by their tag only");
                }
                subreaper = ok;
            }
            return subreaper;
        }
    }

    /**
     * Starts {@link #prepare} on a background thread (loading the native library takes a moment), so it
     * overlaps with loading the runbook; a step's own {@code prepare()} then waits for it.
     */
    public static void prepareInBackground() {
        if (subreaper == null) {
            Thread t = new Thread(ChildProcesses::prepare, "cutover-subreaper");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Registers a process this JVM started for the step or service {@code tag}: it is never taken for
     * an orphan, and orphans that start after it may be attributed to {@code tag}.
     */
    public static void started(Process process, String tag) {
        long pid = process.pid();
        ROOTS.put(pid, tag);
        LOCAL_TAGS.add(tag);
        Optional<Long> start = LinuxProcess.read(pid).map(LinuxProcess::startTicks);
        if (start.isEmpty()) {
            // it already ended and was reaped (a step that daemonizes and exits at once): its orphans started
            // within the last moment
            start = ticksSinceBoot().map(t -> t - USER_HZ);
        }
        start.ifPresent(t -> FIRST_START.merge(tag, t, Math::min));
        process.onExit().thenRun(() -> ROOTS.remove(pid, tag));
    }

    /** Clock ticks of /proc (USER_HZ: 100 on every Linux ABI). */
    private static final long USER_HZ = 100;

    /** Now, in /proc's clock ticks since boot, from {@code /proc/uptime}; empty off Linux. */
    private static Optional<Long> ticksSinceBoot() {
        try {
            String up = Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0];
            return Optional.of((long) (Double.parseDouble(up) * USER_HZ));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The tag a service started through {@link #forService} carries (its innermost one), for stopping
     * its daemonized children with {@link #killTagged}; empty when the process has none or is gone.
     */
    public static Optional<String> serviceTag(long pid) {
        return LinuxProcess.read(pid).map(LinuxProcess::serviceTags).filter(t -> !t.isBlank())
                .map(t -> t.substring(t.lastIndexOf(' ') + 1));
    }

    /** The live processes whose environment carries {@code tag} (in either tag variable). */
    public static List<ProcessHandle> tagged(String tag) {
        List<ProcessHandle> out = new ArrayList<>();
        for (LinuxProcess p : LinuxProcess.all()) {
            if (!p.zombie() && p.carries(tag) && p.pid() != SELF) {
                ProcessHandle.of(p.pid()).ifPresent(out::add);
            }
        }
        return out;
    }

    /** What {@link #killTagged} stopped: pid and command name, in the order they were killed. */
    public record Stopped(Map<Long, String> processes) {
        public Stopped {
            processes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(processes));
        }

        /** Whether anything was running. */
        public boolean any() {
            return !processes.isEmpty();
        }

        /** For messages: {@code "3 processes (sh, sleep, sleep)"}. */
        public String describe() {
            return processes.size() + (processes.size() == 1 ? " process (" : " processes (")
                    + String.join(", ", processes.values()) + ")";
        }
    }

    /**
     * Stops with SIGKILL, and waits for, every process of {@code tag}: those whose environment carries it,
     * the members of their sessions and process groups (never cutover's own), and orphans reparented to
     * this JVM that are untagged and started after the tag's first process here. Scans again until a
     * scan finds nothing alive (a tree that forks while being killed is caught by a later scan), for at
     * most 10 seconds. Safe to call when nothing runs; a service tagged with {@code tag} is stopped too.
     */
    public static Stopped killTagged(String tag) {
        boolean interrupted = Thread.interrupted();
        try {
            return kill(tag);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Stopped kill(String tag) {
        Map<Long, String> killed = new LinkedHashMap<>();
        if (!LinuxProcess.available()) {
            return new Stopped(killed);
        }
        Guarded guard = guarded();
        Set<Long> protectedPids = guard.pids();
        Set<Long> ownGroups = guard.groups();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<Long> seenSessions = new HashSet<>();
        ROOTS.forEach((pid, t) -> {
            if (t.equals(tag)) {
                seenSessions.add(pid);
            }
        });
        int round = 0;
        // as the subreaper, everything a step of this JVM started stays among its descendants: no need to read
        // every process's environment (a tag from another, crashed cutover is looked for everywhere)
        boolean local = Boolean.TRUE.equals(subreaper) && LOCAL_TAGS.contains(tag);
        while (true) {
            List<LinuxProcess> all = local ? descendants() : LinuxProcess.all();
            Set<Long> groups = new HashSet<>();
            for (LinuxProcess p : all) {
                if (p.carries(tag) && !protectedPids.contains(p.pid())) {
                    seenSessions.add(p.session());
                    groups.add(p.pgrp());
                }
            }
            seenSessions.removeAll(ownGroups);
            groups.removeAll(ownGroups);
            Long first = FIRST_START.get(tag);
            Map<Long, String> victims = new LinkedHashMap<>();
            for (LinuxProcess p : all) {
                if (p.zombie() || protectedPids.contains(p.pid())) {
                    continue;
                }
                boolean orphan = p.ppid() == SELF && !ROOTS.containsKey(p.pid()) && p.untagged() && first != null
                        && p.startTicks() >= first;
                if (p.carries(tag) || seenSessions.contains(p.session()) || groups.contains(p.pgrp()) || orphan) {
                    victims.put(p.pid(), p.command());
                }
            }
            if (victims.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("processes of {} survived SIGKILL for 10 s: {}", tag, victims);
                break;
            }
            for (long g : groups) {
                signal(-g);
            }
            victims.forEach((pid, command) -> {
                signal(pid);
                killed.putIfAbsent(pid, command);
            });
            if (++round > 1) {
                sleep();
            }
        }
        reap(killed.keySet());
        if (!killed.isEmpty()) {
            LOG.debug("stopped the processes of {}: {}", tag, killed);
        }
        return new Stopped(killed);
    }

    private static List<LinuxProcess> descendants() {
        List<LinuxProcess> out = new ArrayList<>();
        ProcessHandle.current().descendants().forEach(h -> LinuxProcess.read(h.pid()).ifPresent(out::add));
        return out;
    }

    /** cutover, what started it (the operator's shell, sshd, ...) and init, and their groups and sessions. */
    private record Guarded(long parent, Set<Long> pids, Set<Long> groups) {
    }

    private static volatile Guarded guarded;

    private static Guarded guarded() {
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
        Guarded g = guarded;
        if (g != null && g.parent() == parent) {
            return g;
        }
        Set<Long> pids = new HashSet<>();
        pids.add(SELF);
        pids.add(1L);
        ProcessHandle.current().parent().ifPresent(p -> ancestors(p, pids));
        // never a group or session of cutover itself or of what started it
        Set<Long> groups = new HashSet<>(Set.of(0L, 1L));
        for (long pid : pids) {
            LinuxProcess.read(pid).ifPresent(p -> {
                groups.add(p.pgrp());
                groups.add(p.session());
            });
        }
        g = new Guarded(parent, Set.copyOf(pids), Set.copyOf(groups));
        guarded = g;
        return g;
    }

    private static void ancestors(ProcessHandle p, Set<Long> into) {
        ProcessHandle h = p;
        for (int i = 0; i < 64 && h != null; i++) {
            into.add(h.pid());
            h = h.parent().orElse(null);
        }
    }

    private static void signal(long pidOrGroup) {
        LibC c = LibC.INSTANCE;
        if (c != null) {
            try {
                c.kill((int) pidOrGroup, LibC.SIGKILL);
                return;
            } catch (LinkageError | RuntimeException e) {
                LOG.debug("kill(2) failed; falling back to ProcessHandle", e);
            }
        }
        if (pidOrGroup > 0) {
            ProcessHandle.of(pidOrGroup).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Collects the exit status of killed orphans (reparented to this JVM, not started by it), so no zombies stay. */
    private static void reap(Set<Long> pids) {
        LibC c = LibC.INSTANCE;
        if (c == null || !Boolean.TRUE.equals(subreaper)) {
            return;
        }
        Map<Long, Integer> waited = new HashMap<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        for (long pid : pids) {
            if (ROOTS.containsKey(pid)) {
                continue;
            }
            while (System.nanoTime() < end) {
                LinuxProcess p = LinuxProcess.read(pid).orElse(null);
                if (p == null || p.ppid() != SELF) {
                    break;
                }
                if (p.zombie()) {
                    waited.put(pid, c.waitpid((int) pid, null, LibC.WNOHANG));
                    break;
                }
                sleep();
            }
        }
        LOG.trace("reaped {}", waited);
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path findSetsid() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, "setsid");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
