package dev.cutover.run;

import dev.cutover.journal.Journal;
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

    public Engine(StepTypeRegistry registry) {
        this.registry = registry;
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
            journal.append("run.started", null, null, null, header(rb, params, options));
            listener.runStarted(runId, rb.name(), options.dryRun());
            RunState state = new RunState(rb, params, options, masker, listener, abort, journal, runDir, runId,
                    new StepExecutor(journal, listener, masker, runDir, runId, abort, options.approver()).registry(registry),
                    registry);
            Gates.Passed gates = options.dryRun() ? new Gates.Passed(null, null)
                    : Gates.check(rb, params, options, journal, runId, runDir, masker);
            try {
                RunOutcome o = gates.refused() ? state.done(started, RunStatus.REFUSED, gates.refusal(), List.of())
                        : state.execute(started);
                return finish(journal, state, gates, started, o);
            } finally {
                state.executor().shutdown();
                if (gates.lock() != null) {
                    gates.lock().close();
                }
            }
        }
    }

    /** Releases the lock (journaled), writes run.finished and tells the listener. */
    static RunOutcome finish(Journal journal, RunState state, Gates.Passed gates, Instant started, RunOutcome o)
            throws IOException {
        if (gates.lock() != null) {
            gates.lock().close();
            journal.append("lock.released", null, null, null, Map.of());
        }
        Map<String, Object> fin = new LinkedHashMap<>();
        fin.put("status", o.status().name());
        fin.put("exit_code", o.exitCode());
        fin.put("duration_ms", Duration.between(started, o.finished()).toMillis());
        fin.put("reason", o.reason());
        fin.put("manual_actions", o.manualActions());
        journal.append("run.finished", null, null, null, fin);
        state.listener().runFinished(o);
        return o;
    }

    static Map<String, Object> header(Runbook rb, Map<String, Object> params, RunOptions o) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("runbook", rb.name());
        h.put("runbook_file", rb.file() == null ? null : rb.file().toString());
        h.put("runbook_sha256", rb.sha256());
        h.put("params", params);
        h.put("environment", o.environment());
        h.put("operator", o.operator());
        h.put("ticket", o.ticket());
        h.put("host", host());
        h.put("pid", ProcessHandle.current().pid());
        h.put("pid_start", ProcessIdentity.current().start());
        h.put("cutover_version", Version.get());
        h.put("java_version", System.getProperty("java.version"));
        h.put("mode", o.dryRun() ? "plan" : "run");
        h.put("rehearsal", o.rehearsal() || o.dryRun());
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
