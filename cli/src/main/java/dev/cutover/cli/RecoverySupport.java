package dev.cutover.cli;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.plugin.SecretSourceRegistry;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.run.RunOutcome;
import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.ParamResolver;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import dev.cutover.secrets.Masker;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What resume and later rollback share: find the run, reload its runbook and params from the journal. */
final class RecoverySupport {
    private RecoverySupport() {
    }

    /** A recorded run, ready to recover. */
    record Recorded(Path runDir, Runbook runbook, Map<String, Object> params, Masker masker,
                    StepTypeRegistry registry, String environment) {
    }

    /** Loads the run's runbook (from the path its journal recorded) and params; prints the problem on failure. */
    static Recorded load(CommandSpec spec, GlobalOptions global, String run) {
        var err = spec.commandLine().getErr();
        Path journal = RunLocator.journal(run, global.stateDirectory());
        if (journal == null) {
            err.println("cutover: no run '" + run + "' in " + global.stateDirectory().resolve("runs"));
            return null;
        }
        List<JournalEvent> events;
        try {
            events = JournalReader.read(journal).events();
        } catch (IOException e) {
            err.println("cutover: cannot read " + journal + ": " + e.getMessage());
            return null;
        }
        if (events.isEmpty()) {
            err.println("cutover: " + journal + " holds no complete event");
            return null;
        }
        Map<String, Object> header = events.get(0).data();
        Object file = header.get("runbook_file");
        if (file == null) {
            err.println("cutover: the journal does not record the runbook file");
            return null;
        }
        StepTypeRegistry registry = StepTypeRegistry.load(global.plugins());
        try {
            Runbook rb = new RunbookLoader(registry).load(Path.of(file.toString()));
            Masker masker = new Masker();
            @SuppressWarnings("unchecked")
            Map<String, Object> recorded = header.get("params") instanceof Map<?, ?> m ? (Map<String, Object>) m
                    : Map.of();
            Map<String, Object> params = new ParamResolver(global.environment(), masker, true)
                    .withSecretSources(() -> SecretSourceRegistry.load(global.plugins())).resolveRecorded(rb, recorded);
            return new Recorded(journal.getParent(), rb, params, masker, registry,
                    header.get("environment") == null ? null : header.get("environment").toString());
        } catch (InvalidRunbookException e) {
            ValidateCommand.report(spec, global, e);
            return null;
        }
    }

    /** The signing key to seal with (null for none), or {@code ok == false} when it could not be read. */
    record SigningKey(boolean ok, dev.cutover.journal.SealSigningKey key) {
    }

    /** The key from --sign-key or CUTOVER_SIGN_KEY; prints the problem when it cannot be read. */
    static SigningKey signingKey(CommandSpec spec, Path option) {
        String fromEnv = CutoverCli.environmentOf(spec).get("CUTOVER_SIGN_KEY");
        Path file = option != null ? option : fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : null;
        if (file == null) {
            return new SigningKey(true, null);
        }
        try {
            return new SigningKey(true, dev.cutover.journal.SealKeys.readPrivate(file));
        } catch (IOException e) {
            spec.commandLine().getErr().println("cutover: cannot read the signing key: " + e.getMessage()
                    + "; nothing was run.");
            return new SigningKey(false, null);
        }
    }

    static int render(CommandSpec spec, GlobalOptions global, dev.cutover.journal.SealSigningKey key, Recorded r,
                      RunOutcome o) {
        if (key != null) {
            try {
                dev.cutover.journal.Seal s = dev.cutover.journal.Seal.append(o.runDirectory(), key, r.masker());
                spec.commandLine().getErr().println("sealed: line " + s.line() + ", " + s.algorithm()
                        + " signature by " + s.fingerprint());
            } catch (IOException | RuntimeException e) {
                spec.commandLine().getErr().println("cutover: the run finished " + o.status()
                        + " but could NOT be sealed: " + e.getMessage());
            }
        }
        return render(spec, global, o);
    }

    static int render(CommandSpec spec, GlobalOptions global, RunOutcome o) {
        if (global.json()) {
            JsonSummary.print(spec.commandLine().getOut(), JsonSummary.of(o));
        }
        return o.exitCode();
    }

    /** The recovery a command runs once options, console and key are ready. */
    interface Action {
        RunOutcome run(dev.cutover.run.Recovery recovery, dev.cutover.run.RunOptions options,
                       dev.cutover.run.RunListener console) throws dev.cutover.run.Recovery.RefusedException,
                IOException;
    }

    /** Runs a recovery (resume, later rollback): signing key, console, refusals and errors as exit codes. */
    static int run(CommandSpec spec, GlobalOptions global, String operator, Path signKey, Recorded r, Action action) {
        SigningKey key = signingKey(spec, signKey);
        if (!key.ok()) {
            return 2;
        }
        dev.cutover.run.RunOptions options = dev.cutover.run.RunOptions.builder(global.stateDirectory())
                .operator(operator).environment(r.environment()).environmentVariables(global.environment())
                .build();
        dev.cutover.run.RunListener console = new Console(global.json() ? spec.commandLine().getErr()
                : spec.commandLine().getOut(), global.color());
        try {
            return render(spec, global, key.key(), r, action.run(new dev.cutover.run.Recovery(r.registry()), options,
                    console));
        } catch (dev.cutover.run.Recovery.RefusedException e) {
            spec.commandLine().getErr().println("cutover: " + e.getMessage());
            return 5;
        } catch (IOException e) {
            return ioError(spec, e);
        }
    }

    static int ioError(CommandSpec spec, IOException e) {
        spec.commandLine().getErr().println("cutover: " + e.getMessage());
        return 5;
    }
}
