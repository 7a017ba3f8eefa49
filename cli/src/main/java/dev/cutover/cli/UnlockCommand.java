package dev.cutover.cli;

import dev.cutover.journal.Journal;
import dev.cutover.run.Engine;
import dev.cutover.run.RunLock;
import dev.cutover.secrets.Masker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code cutover unlock}: removes the lock of a holder that died, leaving a record of who, when, why and whose. */
@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = {"Remove the lock on KEY left by a run whose process is gone. Refused (exit 5) while the holder "
                + "is alive. A run that crashed mid-change keeps its lock so that nothing else runs before it is "
                + "recovered: prefer 'cutover resume RUN' (which takes its lock over); unlock is for when that "
                + "is impossible (its run directory is lost).",
                "Locks are machine-wide, in $CUTOVER_LOCK_DIR (default /var/tmp/cutover/locks). Recorded in "
                        + "unlocks.jsonl there and as a run of its own in the state directory."})
final class UnlockCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Option(names = "--reason", required = true, description = "Why, for the record.")
    String reason;

    @Mixin
    SharedOptions.Operator operator;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        if (reason.isBlank()) {
            throw new ExitException.InvalidInput("cutover: --reason must say why the lock is removed");
        }
        String who = operator.operator != null ? operator.operator : System.getProperty("user.name", "unknown");
        Path lockDir = RunLock.directory(CutoverCli.environmentOf(spec));
        Optional<RunLock.Holder> removed;
        try {
            removed = RunLock.unlock(lockDir, key, who, reason);
        } catch (RunLock.HeldException e) {
            throw new ExitException.Refused(
                    "cutover: " + e.getMessage() + ", and that process is alive: refusing to unlock. Wait for it "
                    + "to finish, or stop it (Ctrl-C or SIGTERM rolls it back). Nothing was changed.");
        }
        if (removed.isEmpty()) {
            throw new ExitException.InvalidInput(
                    "cutover: no lock '" + key + "' in " + lockDir + "; nothing to remove");
        }
        RunLock.Holder h = removed.get();
        String runId = Engine.newRunId();
        try (Journal j = Journal.create(global.stateDirectory().resolve("runs").resolve(runId), runId, who,
                new Masker())) {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("mode", "unlock");
            header.put("operator", who);
            header.put("runbook", "(unlock)");
            j.append("run.started", null, null, null, header);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("key", key);
            data.put("holder", h.toString());
            data.put("holder_run_dir", h.runDir());
            data.put("holder_run_finished", h.runFinished().orElse(null));
            data.put("reason", reason);
            data.put("lock_dir", lockDir.toString());
            j.append("lock.removed", null, null, null, data);
            j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED", "exit_code", 0));
        }
        spec.commandLine().getOut().println("Removed lock '" + key + "' held by " + h + " (recorded in "
                + RunLock.unlockLog(lockDir) + " and run " + runId + ").");
        if (!h.runFinished().orElse(false)) {
            err.println("cutover: warning: run " + h.runId() + " did not finish; whatever it changed is still in place"
                    + (h.runDir() == null ? "" : " ('cutover resume " + h.runDir() + "' can still finish it)") + ".");
        }
        return 0;
    }
}
