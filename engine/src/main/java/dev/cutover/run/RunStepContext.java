package dev.cutover.run;

import dev.cutover.spi.Approval;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** The engine's {@link StepContext}: one per step, undo, probe or poll, backed by the {@link StepRunner}. */
final class RunStepContext implements StepContext {
    private final String stepId;
    private final String section;
    private final Inputs inputs;
    private final Path runDirectory;
    private final String runId;
    private final Optional<Duration> timeout;
    private final boolean dryRun;
    private final List<String> ahead;
    private final StepRunner runner;
    private final AtomicInteger polls = new AtomicInteger();

    RunStepContext(String stepId, String section, Inputs inputs, Path runDirectory, String runId,
                   Optional<Duration> timeout, boolean dryRun, List<String> ahead, StepRunner runner) {
        this.stepId = stepId;
        this.section = section;
        this.inputs = inputs;
        this.runDirectory = runDirectory;
        this.runId = runId;
        this.timeout = timeout;
        this.dryRun = dryRun;
        this.ahead = List.copyOf(ahead);
        this.runner = runner;
    }

    @Override
    public String stepId() {
        return stepId;
    }

    String section() {
        return section;
    }

    List<String> ahead() {
        return ahead;
    }

    int nextPoll() {
        return polls.incrementAndGet();
    }

    int polls() {
        return polls.get();
    }

    /**
     * The tag of the processes this context starts: the step's own, or, for an undo or a probe of it, one
     * of their own, so stopping one never touches the other.
     */
    @Override
    public String processTag() {
        String id = runner.tagged(stepId);
        return switch (section) {
            case "undo" -> dev.cutover.spi.ChildProcesses.tag(runId, id, "undo");
            case "probe" -> dev.cutover.spi.ChildProcesses.tag(runId, id, "probe");
            default -> dev.cutover.spi.ChildProcesses.tag(runId, id);
        };
    }

    @Override
    public Inputs inputs() {
        return inputs;
    }

    @Override
    public Path runDirectory() {
        return runDirectory;
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public Optional<Duration> timeout() {
        return timeout;
    }

    @Override
    public boolean dryRun() {
        return dryRun;
    }

    @Override
    public void note(String message) {
        runner.context().listener().note(stepId, runner.mask(message));
    }

    @Override
    public String mask(String text) {
        return runner.mask(text);
    }

    @Override
    public List<Approval> approve(String message, int required) throws StepFailedException, InterruptedException {
        return runner.approve(this, message, required);
    }

    @Override
    public dev.cutover.spi.Host host() {
        return runner.host();
    }

    @Override
    public StepResult runCheck(String uses, Map<String, Object> with) throws StepFailedException,
            InterruptedException {
        return runner.poll(this, uses, with);
    }
}
