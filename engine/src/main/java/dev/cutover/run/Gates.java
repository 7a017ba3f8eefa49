package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.runbook.ChangeWindow;
import dev.cutover.runbook.Runbook;
import dev.cutover.spi.StepFailedException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The checks before anything runs: the change window and the runbook's lock. Each decision is journaled. */
final class Gates {
    private Gates() {
    }

    /** Passed gates: the lock to release at the end (may be null). */
    record Passed(RunLock lock, String refusal) {
        boolean refused() {
            return refusal != null;
        }
    }

    static Passed check(Runbook rb, Map<String, Object> params, RunOptions o, Journal journal, String runId,
                        java.nio.file.Path runDir, dev.cutover.secrets.Masker masker) throws IOException {
        List<ChangeWindow> windows = o.windows() != null ? o.windows() : rb.policy().windows();
        Instant now = Instant.now();
        if (!ChangeWindow.anyOpen(windows, now)) {
            List<String> ws = windows.stream().map(ChangeWindow::toString).toList();
            if (o.overrideWindowReason() == null || o.overrideWindowReason().isBlank()) {
                String next = ChangeWindow.nextOpening(windows, now).map(i -> describe(i, windows.get(0)))
                        .orElse("never");
                journal.append("window.closed", null, null, null, Map.of("windows", ws, "next_opening", next));
                return new Passed(null, "outside the change window (" + String.join("; ", ws) + "); next opening: "
                        + next + ". To proceed anyway: --override-window --reason TEXT");
            }
            journal.append("window.overridden", null, null, null, Map.of("windows", ws, "reason",
                    o.overrideWindowReason(), "operator", o.operator()));
        }
        String lockExpr = rb.policy().lock();
        if (lockExpr == null) {
            return new Passed(null, null);
        }
        String key;
        try {
            key = String.valueOf(new Interpolator(params, o.environmentVariables(), Map.of(), runId, runDir, masker)
                    .resolve(lockExpr));
        } catch (StepFailedException e) {
            return new Passed(null, "cannot work out the lock key: " + e.getMessage());
        }
        Path lockDir = RunLock.directory(o.environmentVariables());
        try {
            RunLock.Acquired a = RunLock.acquire(lockDir, key, runId, runDir, o.operator(), recovering(journal, runId));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("key", key);
            data.put("lock_dir", lockDir.toString());
            a.tookOverFrom().ifPresent(h -> {
                data.put("took_over_from", h.toString());
                data.put("holder", h.toMap());
            });
            journal.append(a.tookOverFrom().isPresent() ? "lock.taken-over" : "lock.acquired", null, null, null, data);
            return new Passed(a.lock(), null);
        } catch (RunLock.HeldException e) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("key", key);
            data.put("holder", e.holder() == null ? null : e.holder().toString());
            data.put("holder_alive", !e.abandoned());
            journal.append("lock.refused", null, null, null, data);
            return new Passed(null, e.getMessage() + "; " + advice(key, e));
        } catch (IOException e) {
            journal.append("lock.refused", null, null, null, Map.of("key", key, "problem", dev.cutover.spi.ErrorText.of(e)));
            return new Passed(null, "cannot take lock '" + key + "' in " + lockDir + " (" + dev.cutover.spi.ErrorText.of(e) + "); every operator "
                    + "of this machine must be able to write there: fix its permissions, or point CUTOVER_LOCK_DIR at "
                    + "a shared local directory; nothing was run");
        }
    }

    /** The runs whose abandoned lock this run may take over: itself (resume) and the run it rolls back. */
    private static Set<String> recovering(Journal journal, String runId) {
        Set<String> runs = new HashSet<>();
        runs.add(runId);
        List<JournalEvent> events = journal.events();
        if (!events.isEmpty() && events.get(0).data().get("of_run") != null) {
            runs.add(String.valueOf(events.get(0).data().get("of_run")));
        }
        return runs;
    }

    private static String advice(String key, RunLock.HeldException e) {
        RunLock.Holder h = e.holder();
        if (!e.abandoned()) {
            return "wait for it to finish (or stop it: Ctrl-C or SIGTERM rolls it back); nothing was run";
        }
        String run = h.runDir() != null ? h.runDir() : h.runId();
        if (h.runFinished().isEmpty()) {
            return "its journal (" + (h.runDir() == null ? "run directory not recorded" : h.runDir()) + ") cannot be "
                    + "read, so nobody can tell what it changed. Find out and put it right, then 'cutover unlock "
                    + key + " --reason TEXT'; nothing was run";
        }
        return "it crashed or was killed mid-change. Finish it first with 'cutover resume " + run + "' (it continues, "
                + "or completes its rollback), and undo it afterwards with 'cutover rollback " + run + "' if need be; "
                + "nothing was run";
    }
    private static String describe(Instant i, ChangeWindow w) {
        ZonedDateTime z = i.atZone(w.zone());
        return DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm VV").format(z) + " (" + i + ")";
    }

    static Optional<RunLock> none() {
        return Optional.empty();
    }
}
