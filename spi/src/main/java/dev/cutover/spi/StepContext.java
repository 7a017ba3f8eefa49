package dev.cutover.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a running step can see: its resolved inputs, where the run keeps its files, its timeout,
 * and a channel for progress notes. Provided by the engine (or the test kit).
 *
 * @since 0.1
 */
public interface StepContext {

    /** The step's id in the runbook. */
    String stepId();

    /** The step's inputs, interpolated and with defaults applied. */
    Inputs inputs();

    /** The run's directory ({@code .cutover/runs/<run-id>}); steps may keep backups under it. */
    Path runDirectory();

    /** The run's id. */
    String runId();

    /** The step's timeout, if the runbook set one; steps that start processes should enforce it too. */
    Optional<Duration> timeout();

    /** Whether this is a dry run ({@code cutover plan}); read-only steps run either way. */
    boolean dryRun();

    /** A progress note for the operator's console and the debug log (masked; not journaled). */
    void note(String message);

    /** Replaces every secret value known to this run with {@code ***}. */
    String mask(String text);

    /**
     * Asks people to approve (on a terminal, or by {@code --approve}); returns the approvals once
     * {@code required} distinct approvers agreed.
     *
     * @throws StepRefusedException when the approval is denied or cannot be asked for
     * @since 0.2
     */
    default List<Approval> approve(String message, int required) throws StepFailedException, InterruptedException {
        throw new StepRefusedException("approvals cannot be asked for here");
    }

    /**
     * Runs another step type's {@link Check} once as part of this step (a poll of {@code wait.until}),
     * through the engine's step runner: inputs checked and defaulted, timeout and abort honoured, the
     * poll journaled.
     *
     * @param uses a read-only step type id
     * @param with its inputs, already resolved
     * @since 0.2
     */
    default StepResult runCheck(String uses, Map<String, Object> with) throws StepFailedException,
            InterruptedException {
        throw new StepFailedException("this context cannot run other steps");
    }

    /**
     * The tag every process this step starts carries ({@link ChildProcesses}); by default
     * {@code <run-id>/<step-id>}. The engine gives an undo or a probe of the step a tag of its own
     * ({@link ChildProcesses#tag(String, String, String)}), so stopping one never touches the other.
     */
    default String processTag() {
        return ChildProcesses.tag(runId(), stepId());
    }

    /**
     * The host this step works on: this machine, or the fleet host the engine runs this step for
     * (a step inside a {@code hosts:} block). Steps that run commands or change files go through it.
     *
     * @since 0.2
     */
    default Host host() {
        return LocalHost.INSTANCE;
    }

    /**
     * Resolves the {@code ${...}} references in a text (a template file's content) exactly as the engine
     * resolves a step's inputs: params, environment, earlier steps' outputs, {@code run.*}. Returns a
     * {@link String}, or a {@link Secret} when the text references a secret; never null.
     *
     * @throws StepFailedException naming the reference that cannot be resolved
     * @since 0.2
     */
    default Object interpolate(String text) throws StepFailedException {
        throw new StepFailedException("this context cannot interpolate a template");
    }
}
