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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code cutover unlock}: removes a lock by hand, leaving a journaled record of who and why. */
@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = "Remove the lock on KEY (for a holder that died on another host). Journaled as its own run.")
final class UnlockCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Option(names = "--reason", required = true, description = "Why, for the record.")
    String reason;

    @Option(names = "--operator", description = "Who (default: the OS user).")
    String operator;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Optional<RunLock.Holder> holder = RunLock.holder(global.stateDirectory(), key);
        if (holder.isEmpty()) {
            spec.commandLine().getErr().println("cutover: no lock '" + key + "' in " + global.stateDirectory());
            return 2;
        }
        String who = operator != null ? operator : System.getProperty("user.name", "unknown");
        String runId = Engine.newRunId();
        try (Journal j = Journal.create(global.stateDirectory().resolve("runs").resolve(runId), runId, who,
                new Masker())) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("mode", "unlock");
            h.put("operator", who);
            h.put("runbook", "(unlock)");
            j.append("run.started", null, null, null, h);
            RunLock.forceRelease(global.stateDirectory(), key);
            j.append("lock.removed", null, null, null, Map.of("key", key, "holder", holder.get().toString(),
                    "reason", reason));
            j.append("run.finished", null, null, null, Map.of("status", "SUCCEEDED", "exit_code", 0));
        }
        spec.commandLine().getOut().println("Removed lock '" + key + "' held by " + holder.get() + " (recorded in run "
                + runId + ").");
        return 0;
    }
}
