package dev.cutover.testkit;

import dev.cutover.run.RunListener;
import dev.cutover.run.StepHarness;
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
    private StepHarness harness;
    private StepHarness.Result last;
    private String stepId = "step-under-test";
    private dev.cutover.spi.Host host;

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

    /** Runs the step on this host ({@link dev.cutover.spi.StepContext#host()}; this machine unless set). */
    public StepTestKit host(dev.cutover.spi.Host host) {
        this.host = host;
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
        return harness().plan(stepId, with);
    }

    /**
     * Runs the step through the engine's step runner as a run would: prepare, the intent journaled, apply
     * (or the check), the timeout, and after a change that fails, its probe.
     */
    public StepRecording apply() throws InterruptedException {
        StepHarness h = harness();
        int from = h.journal().events().size();
        try {
            StepHarness.Result r = h.apply(stepId, with, timeout);
            last = r;
            return new StepRecording(r.succeeded(), r.outputs(), r.error(), r.intent(), events(from),
                    h.journal().file(), masker);
        } catch (StepFailedException e) {
            return new StepRecording(false, Map.of(), masker.mask(e.getMessage()), Intent.none(), events(from),
                    h.journal().file(), masker);
        }
    }

    /** Runs the type's built-in undo with the intent the given recording journaled. */
    public StepRecording undo(StepRecording applied) throws InterruptedException {
        StepHarness h = harness();
        int from = h.journal().events().size();
        StepHarness.Result r = h.undo(stepId, resultOf(applied), timeout);
        return new StepRecording(r.succeeded(), r.outputs(), r.error(), applied.intent(), events(from),
                h.journal().file(), masker);
    }

    /** Asks the type's probe whether the recorded step took effect. */
    public ProbeResult probe(StepRecording applied) throws InterruptedException {
        return harness().probe(stepId, resultOf(applied), timeout);
    }

    private StepHarness.Result resultOf(StepRecording applied) {
        Map<String, Object> inputs = last != null && last.intent().equals(applied.intent()) ? last.inputs() : with;
        return new StepHarness.Result(applied.succeeded(), applied.outputs(), applied.error(), applied.intent(),
                StepHarness.withDefaults(type, inputs));
    }

    private List<JournalEvent> events(int from) {
        List<JournalEvent> all = harness.journal().events();
        return List.copyOf(all.subList(from, all.size()));
    }

    private StepHarness harness() {
        if (harness == null) {
            try {
                if (runDirectory == null) {
                    runDirectory = Files.createTempDirectory("cutover-testkit-");
                    TEMPORARY.add(runDirectory);
                }
                harness = new StepHarness(host == null ? type : OnHost.wrap(type, host), runDirectory, baseDirectory, masker, new RunListener() {
                    @Override
                    public void note(String stepId, String message) {
                        notes.add(message);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return harness;
    }

    /** Run directories the kit created itself, removed when the JVM ends. */
    private static final List<Path> TEMPORARY = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TEMPORARY.forEach(StepTestKit::deleteTree),
                "cutover-testkit-cleanup"));
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort: a temporary directory left behind is harmless
        }
    }
}
