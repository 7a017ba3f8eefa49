package dev.cutover.run;

import dev.cutover.journal.EventType;
import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalWriteException;
import dev.cutover.journal.Payload;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepType;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a loaded runbook: preflight, steps, validate; on any failure undoes the completed mutating
 * steps in reverse order, runs the rollback section and validates again. Every event is journaled
 * (and fsync'd) before the engine goes on.
 */
public final class Engine {
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    private final StepTypeRegistry registry;
    private final java.util.function.Supplier<Connectors> connectors;

    public Engine(StepTypeRegistry registry) {
        this(registry, Connectors.discovered());
    }

    /**
     * An engine that reaches fleet hosts through these transports ({@link Connectors#of}), one fresh set per
     * run, closed when the run ends.
     */
    public Engine(StepTypeRegistry registry, java.util.function.Supplier<Connectors> connectors) {
        this.registry = registry;
        this.connectors = connectors;
    }

    /** A new run id: UTC time plus a random suffix. */
    public static String newRunId() {
        byte[] b = new byte[2];
        ThreadLocalRandom.current().nextBytes(b);
        return RUN_ID.format(Instant.now()) + "-" + HexFormat.of().formatHex(b);
    }

    /**
     * Runs the runbook.
     *
     * @param params resolved params (secrets as {@link dev.cutover.spi.Secret}, already registered with masker)
     * @throws IOException when the journal cannot be created; nothing has run then
     */
    public RunOutcome run(Runbook rb, Map<String, Object> params, RunOptions options, Masker masker,
                          RunListener listener, Abort abort) throws IOException {
        String runId = newRunId();
        Path runDir = options.stateDirectory().resolve("runs").resolve(runId);
        Instant started = Instant.now();
        try (Journal journal = Journal.create(runDir, runId, options.operator(), masker)) {
            journal.append(EventType.RUN_STARTED, null, null, null, header(rb, params, options));
            listener.runStarted(runId, rb.name(), options.dryRun());
            RunContext rc = new RunContext(journal, runId, runDir, RunContext.baseOf(rb), registry, masker, listener,
                    abort, options.approver(), options.approverKeys());
            StepRunner runner = new StepRunner(rc);
            RunState state = new RunState(rb, params, options, runner);
            if (rb.hasFleet()) {
                state.useFleet(connectors.get());
            }
            Gates.Passed gates = options.dryRun() ? new Gates.Passed(null, null)
                    : Gates.check(rb, params, options, journal, runId, runDir, masker);
            try {
                return finish(state, gates, started, () -> gates.refused()
                        ? state.done(started, RunStatus.REFUSED, gates.refusal(), List.of(), "")
                        : state.execute(started));
            } finally {
                runner.shutdown();
                if (gates.lock() != null) {
                    gates.lock().close();
                }
            }
        }
    }

    /** The body of a run, a resume or a later rollback. */
    interface Body {
        RunOutcome run();
    }

    /**
     * Runs the body, then releases the lock (journaled), writes run.finished and tells the listener. When
     * the journal cannot be written (a full disk), the run stops before its next change: it rolls back
     * what it still can journal, and ends {@link RunStatus#STOPPED} telling the operator to free space and
     * resume.
     */
    static RunOutcome finish(RunState state, Gates.Passed gates, Instant started, Body body) throws IOException {
        RunOutcome o;
        try {
            o = body.run();
        } catch (JournalWriteException e) {
            return stopped(state, started, e);
        }
        Journal journal = state.journal();
        try {
            if (gates.lock() != null) {
                gates.lock().close();
                journal.append(EventType.LOCK_RELEASED, null, null, null, Map.of());
            }
            journal.append(null, null, null, new Payload.RunFinished(o.status().name(), o.exitCode(),
                    Duration.between(started, o.finished()).toMillis(), o.reason(), o.manualActions(),
                    o.revalidation()));
        } catch (JournalWriteException e) {
            return stopped(state, started, e);
        }
        state.rc().listener().runFinished(o);
        return o;
    }

    private static RunOutcome stopped(RunState state, Instant started, JournalWriteException e) {
        String why = "the journal could not be written (" + state.masker().mask(String.valueOf(
                e.getCause() == null ? e.getMessage() : e.getCause().getMessage())) + ")";
        boolean changed = !state.completed().isEmpty();
        if (changed && !state.rc().abort().rollingBack()) {
            try {
                // the disk may have room again for the few events an undo needs; nothing changes unless its
                // undo.started is on disk first
                RunOutcome o = new Rollback(state).run(started, why);
                state.rc().listener().runFinished(o);
                return o;
            } catch (JournalWriteException again) {
                // still full: stop here
            }
        }
        List<String> manual = new ArrayList<>();
        manual.add("free space on the file system of " + e.file().getParent() + " (or fix the I/O error), then run "
                + "'cutover resume " + state.rc().runId() + "': it " + (changed ? "rolls back the changes already made"
                : "continues the run") + " from the journal, which holds every event up to the failure");
        RunOutcome o = state.done(started, RunStatus.STOPPED, why + "; the run stopped before its next change",
                manual, "");
        state.rc().listener().runFinished(o);
        return o;
    }

    static Map<String, Object> header(Runbook rb, Map<String, Object> params, RunOptions o) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("runbook", rb.name());
        h.put("runbook_file", rb.file() == null ? null : rb.file().toString());
        h.put("runbook_sha256", rb.sha256());
        // recorded exactly (resume and a later rollback resolve the run's params from here): a path that
        // contains a word equal to a secret stays that path; secret params themselves are recorded as ***
        h.put("params", new dev.cutover.journal.Verbatim(RecordedValues.secretsMasked(params)));
        h.put("environment", o.environment());
        h.put("operator", o.operator());
        h.put("os_user", dev.cutover.journal.OsIdentity.user()); // who really ran it, beside --operator
        h.put("os_uid", dev.cutover.journal.OsIdentity.uid());
        h.put("ticket", o.ticket());
        h.put("host", host());
        h.put("pid", ProcessHandle.current().pid());
        h.put("pid_start", ProcessIdentity.current().start());
        h.put("cutover_version", Version.get());
        h.put("java_version", System.getProperty("java.version"));
        h.put("mode", o.dryRun() ? "plan" : "run");
        h.put("rehearsal", o.rehearsal() || o.dryRun());
        if (rb.hasFleet()) {
            h.put("fleet", FleetRecord.encode(o.fleet())); // resume and a later rollback reach the same hosts
        }
        return h;
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown");
        }
    }

    /** Creates the state directory, failing early (before anything runs) when it is not writable. */
    public static void checkStateDirectory(Path stateDir) throws IOException {
        Path runs = stateDir.resolve("runs");
        Files.createDirectories(runs);
        Path probe = Files.createTempFile(runs, ".write-check", ".tmp");
        try {
            Files.write(probe, new byte[4096]);
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
