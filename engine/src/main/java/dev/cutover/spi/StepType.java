package dev.cutover.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kind of step a runbook can use ({@code uses: shell.exec}): its id, the inputs it accepts,
 * whether it changes anything, and how to plan, apply, undo and probe it.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}; list the class in
 * {@code META-INF/services/dev.cutover.spi.StepType}. An implementation must be stateless:
 * one instance serves every step of every run. Only {@link #id()}, {@link #inputs()},
 * {@link #readOnly()} and {@link #apply} must be implemented; everything else has a default.
 *
 * <p>A mutating step runs in two phases so that the journal holds what undo needs before
 * anything changes: {@link #prepare} (take a backup, read the previous value; no change yet)
 * returns an {@link Intent}, which the engine writes to the journal and fsyncs, and only then
 * {@link #apply} makes the change. {@link #undo} later receives the same intent.
 *
 * @since 0.1
 */
public interface StepType {

    /** The id runbooks name in {@code uses:}, such as {@code tls.store-import}; never null. */
    String id();

    /** One sentence for {@code cutover steps} and the generated docs. */
    default String description() {
        return "";
    }

    /** The inputs this type accepts under {@code with:}; anything else is a load error. */
    List<InputSpec> inputs();

    /** Whether this type never changes anything; read-only types may run in preflight and validate. */
    boolean readOnly();

    /**
     * Whether one step of this type, with these raw (uninterpolated) inputs, is read-only.
     * Types such as {@code shell.exec} are mutating unless the runbook says {@code readonly: true}.
     */
    default boolean readOnly(Map<String, Object> rawWith) {
        return readOnly();
    }

    /**
     * What this type changes or restarts, for change-safety lints: {@code changes:truststore},
     * {@code restarts:app}. Empty by default.
     */
    default Set<String> traits() {
        return Set.of();
    }

    /** Describes, without side effects, what {@link #apply} would do; used by {@code cutover plan}. */
    default Plan plan(StepContext context) throws StepFailedException {
        return Plan.of("would run " + id());
    }

    /**
     * Gathers what undo will need (a backup, a previous value) before anything changes. The
     * engine journals the returned intent durably, then calls {@link #apply}. Must not change
     * the system except to create backups.
     */
    default Intent prepare(StepContext context) throws StepFailedException, InterruptedException {
        return Intent.none();
    }

    /**
     * Performs the step. Read-only types check and report; mutating types make the change.
     * A step that finds the system already in the desired state returns {@link StepResult#unchanged}.
     *
     * @param intent what {@link #prepare} returned; {@link Intent#none()} for read-only types
     * @throws StepFailedException with an operator-facing message when the step fails
     */
    StepResult apply(StepContext context, Intent intent) throws StepFailedException, InterruptedException;

    /** Whether this type can undo its own change ({@link #undo}) without an {@code undo:} in the runbook. */
    default boolean hasBuiltInUndo() {
        return false;
    }

    /** Reverses a completed {@link #apply} using the intent journaled before it. */
    default StepResult undo(StepContext context, Intent intent) throws StepFailedException, InterruptedException {
        throw new StepFailedException("step type " + id() + " has no built-in undo");
    }

    /**
     * Decides, after a crash, whether a step whose intent was journaled but whose outcome was
     * not actually took effect. {@link ProbeResult#UNKNOWN} by default.
     */
    default ProbeResult probe(StepContext context, Intent intent) throws InterruptedException {
        return ProbeResult.UNKNOWN;
    }

    /** The version of the jar this type comes from, read from its manifest; "dev" when unknown. */
    default String version() {
        String v = getClass().getPackage() == null ? null : getClass().getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
