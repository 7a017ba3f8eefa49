package dev.cutover.testkit;

import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.StepType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one step of a plugin's type against a temporary journal, without the CLI or a runbook,
 * so plugin tests can assert on journaled events rather than internals.
 *
 * <pre>{@code
 * StepRecording r = StepTestKit.of(new StoreImportStep())
 *         .with("store", store).secret("password", "changeit").with("bundle", pem)
 *         .apply();
 * r.assertSucceeded();
 * StepRecording u = kit.undo(r);
 * }</pre>
 *
 * @since 0.1
 */
public final class StepTestKit {
    private final StepType type;
    private final Map<String, Object> with = new LinkedHashMap<>();
    private final Masker masker = new Masker();
    private final List<String> notes = new ArrayList<>();
    private Path runDirectory;
    private Path baseDirectory;
    private Duration timeout;
    private Journal journal;
    private String stepId = "step-under-test";

    private StepTestKit(StepType type) {
        this.type = type;
    }

    public static StepTestKit of(StepType type) {
        return new StepTestKit(type);
    }

    /** Sets an input (as a resolved value: string, number, boolean, list, map). */
    public StepTestKit with(String name, Object value) {
        with.put(name, value instanceof Path p ? p.toString() : value);
        return this;
    }

    /** Sets a secret input; its value is registered for masking like a runbook's secret param. */
    public StepTestKit secret(String name, String value) {
        masker.register(value);
        with.put(name, new Secret(value));
        return this;
    }

    public StepTestKit stepId(String id) {
        this.stepId = id;
        return this;
    }

    public StepTestKit runDirectory(Path dir) {
        this.runDirectory = dir;
        return this;
    }

    public StepTestKit baseDirectory(Path dir) {
        this.baseDirectory = dir;
        return this;
    }

    public StepTestKit timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Progress notes the step emitted, masked. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** The plan for the current inputs. */
    public Plan plan() throws StepFailedException {
        return type.plan(context(true));
    }

    /** Runs prepare (for mutating types) and apply, journaling intent and outcome as the engine does. */
    public StepRecording apply() throws InterruptedException {
        Journal j = journal();
        StepContext ctx = context(false);
        int from = j.events().size();
        j.append("step.started", stepId, "steps", 1, Map.of("uses", type.id()));
        Intent intent = Intent.none();
        try {
            if (!type.readOnly(with)) {
                intent = type.prepare(ctx);
                j.append("step.intent", stepId, "steps", 1, Map.of("undo", intent.data()));
            }
            StepResult result = type.apply(ctx, intent);
            j.append(result.changed() ? "step.succeeded" : "step.unchanged", stepId, "steps", 1,
                    Map.of("outputs", result.outputs(), "message", result.message()));
            return new StepRecording(true, result.outputs(), null, intent, events(from), j.file(), masker);
        } catch (StepFailedException e) {
            j.append("step.failed", stepId, "steps", 1, Map.of("error", String.valueOf(e.getMessage()),
                    "outputs", e.outputs()));
            return new StepRecording(false, e.outputs(), masker.mask(e.getMessage()), intent, events(from),
                    j.file(), masker);
        }
    }

    /** Runs the type's built-in undo with the intent the given recording journaled. */
    public StepRecording undo(StepRecording applied) throws InterruptedException {
        Journal j = journal();
        int from = j.events().size();
        j.append("undo.started", stepId, "undo", 1, Map.of("undo", applied.intent().data()));
        try {
            StepResult r = type.undo(context(false), applied.intent());
            j.append("undo.succeeded", stepId, "undo", 1, Map.of("outputs", r.outputs()));
            return new StepRecording(true, r.outputs(), null, applied.intent(), events(from), j.file(), masker);
        } catch (StepFailedException e) {
            j.append("undo.failed", stepId, "undo", 1, Map.of("error", String.valueOf(e.getMessage())));
            return new StepRecording(false, e.outputs(), masker.mask(e.getMessage()), applied.intent(),
                    events(from), j.file(), masker);
        }
    }

    /** Asks the type's probe whether the recorded step took effect. */
    public ProbeResult probe(StepRecording applied) throws InterruptedException {
        return type.probe(context(false), applied.intent());
    }

    private List<JournalEvent> events(int from) {
        List<JournalEvent> all = journal.events();
        return List.copyOf(all.subList(from, all.size()));
    }

    private Journal journal() {
        if (journal == null) {
            try {
                if (runDirectory == null) {
                    runDirectory = Files.createTempDirectory("cutover-testkit-");
                }
                journal = Journal.create(runDirectory, "testkit-run", "testkit", masker);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return journal;
    }

    private StepContext context(boolean dryRun) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (InputSpec spec : type.inputs()) {
            if (spec.defaultValue() != null) {
                values.put(spec.name(), spec.defaultValue());
            }
        }
        for (String key : with.keySet()) {
            boolean declared = type.inputs().stream().anyMatch(s -> s.name().equals(key));
            if (!declared) {
                throw new IllegalArgumentException(type.id() + " declares no input '" + key + "'");
            }
        }
        values.putAll(with);
        Inputs inputs = new Inputs(values, baseDirectory);
        Path dir = runDirectory != null ? runDirectory : journal().file().getParent();
        return new StepContext() {
            @Override
            public String stepId() {
                return stepId;
            }

            @Override
            public Inputs inputs() {
                return inputs;
            }

            @Override
            public Path runDirectory() {
                return dir;
            }

            @Override
            public String runId() {
                return "testkit-run";
            }

            @Override
            public Optional<Duration> timeout() {
                return Optional.ofNullable(timeout);
            }

            @Override
            public boolean dryRun() {
                return dryRun;
            }

            @Override
            public void note(String message) {
                notes.add(masker.mask(message));
            }

            @Override
            public String mask(String text) {
                return masker.mask(text);
            }
        };
    }
}
