package dev.cutover.run;

import dev.cutover.journal.Journal;
import dev.cutover.runbook.ChangeWindow;
import dev.cutover.runbook.Runbook;
import dev.cutover.spi.StepFailedException;

import java.io.IOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        try {
            RunLock.Acquired a = RunLock.acquire(o.stateDirectory(), key, runId, o.operator());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("key", key);
            a.tookOverFrom().ifPresent(h -> data.put("took_over_from", h.toString()));
            journal.append(a.tookOverFrom().isPresent() ? "lock.taken-over" : "lock.acquired", null, null, null, data);
            return new Passed(a.lock(), null);
        } catch (RunLock.HeldException e) {
            journal.append("lock.refused", null, null, null, Map.of("key", key, "holder", e.holder().toString()));
            return new Passed(null, e.getMessage() + "; wait for it to finish, or if it is dead on another host, "
                    + "'cutover unlock " + key + " --reason TEXT'");
        }
    }

    private static String describe(Instant i, ChangeWindow w) {
        ZonedDateTime z = i.atZone(w.zone());
        return DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm VV").format(z) + " (" + i + ")";
    }

    static Optional<RunLock> none() {
        return Optional.empty();
    }
}
