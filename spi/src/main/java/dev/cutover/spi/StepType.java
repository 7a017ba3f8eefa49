package dev.cutover.spi;

import java.util.List;
import java.util.Set;

/**
 * A kind of step a runbook can use ({@code uses: shell.exec}): its id, the inputs it accepts, the
 * outputs it produces and its traits. What a type can do is the capability interfaces it implements,
 * never a flag: {@link Check} (reads and reports), {@link Change} (prepare, then apply),
 * {@link Undoable} (a change that can reverse itself from its journaled intent) and {@link Probeable}
 * (a change that can tell whether it took effect). A type implements {@link Check}, {@link Change},
 * or both (then {@link Change#readOnly(java.util.Map)} decides per step).
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}; list the class in
 * {@code META-INF/services/dev.cutover.spi.StepType}. An implementation must be stateless: one
 * instance serves every step of every run.
 *
 * @since 0.1
 */
public interface StepType {

    /** The id runbooks name in {@code uses:}, such as {@code tls.store-import}; never null. */
    String id();

    /** One sentence for {@code cutover steps} and the generated docs; never null. */
    default String description() {
        return "";
    }

    /** The inputs this type accepts under {@code with:}; anything else is a load error. */
    List<InputSpec> inputs();

    /**
     * The outputs a successful step of this type produces, readable as {@code ${steps.ID.outputs.NAME}};
     * a reference to an output that is not declared here is a load error. Empty by default.
     *
     * @since 0.2
     */
    default List<OutputSpec> outputs() {
        return List.of();
    }

    /**
     * What this type changes, restarts, removes or checks, for the engine and the change-safety lints,
     * as {@link Traits} strings ({@code changes:truststore}, {@code restarts:{name}},
     * {@code checks:new-connection}). Empty by default.
     */
    default Set<String> traits() {
        return Set.of();
    }

    /**
     * Problems with one step's literal (uninterpolated) inputs that only this type can tell, found when
     * the runbook is loaded, so nothing runs with them: one sentence each, naming the input ("input
     * 'expect_exit': 'abc' is not an exit code"). Values that contain {@code ${...}} are checked when the
     * step runs. None by default.
     *
     * @since 0.2
     */
    default List<String> checkLiterals(java.util.Map<String, Object> rawWith) {
        return List.of();
    }

    /**
     * Describes, without side effects, what a step of this type would do; used by {@code cutover plan}
     * for the steps it does not run.
     */
    default Plan plan(StepContext context) throws StepFailedException {
        return Plan.of("would run " + id());
    }

    /** The version of the jar this type comes from, read from its manifest; "dev" when unknown. */
    default String version() {
        String v = getClass().getPackage() == null ? null : getClass().getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Whether one step of this type, with these raw (uninterpolated) inputs, only reads: true for a
     * {@link Check} that is not also a {@link Change}; a {@link Change} decides with
     * {@link Change#readOnly(java.util.Map)} (false unless it is also a check and the step says so).
     */
    default boolean readOnly(java.util.Map<String, Object> rawWith) {
        return this instanceof Check && !(this instanceof Change);
    }
}
