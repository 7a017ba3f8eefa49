package dev.cutover.lint;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.StepDef;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Change-safety lints: patterns in a valid runbook that have caused outages or failed rollbacks. Each
 * {@link Lint} names the steps involved, the risk and the fix; {@code cutover validate} treats them as
 * errors unless {@code --allow ID} names them. Lints read step types' traits ({@code changes:truststore},
 * {@code restarts:NAME}, {@code changes:database-ca}); given parameter values, a {@code when:} that reads
 * only params and environment variables is decided, so a step that cannot run here does not count.
 */
public final class RunbookLinter {
    public static final String RESTART_AFTER_TRUSTSTORE_CHANGE = "restart-after-truststore-change";
    public static final String RESTART_AFTER_TRUSTSTORE_RESTORE = "restart-after-truststore-restore";
    public static final String VALIDATE_WITHOUT_NEW_CONNECTION = "validate-without-new-connection";
    public static final String CA_ROTATION_DROPS_OLD_CA = "ca-rotation-drops-old-ca";
    public static final String UNDO_NEEDS_REMOVED_INPUT = "undo-needs-removed-input";
    public static final String ROLLBACK_USES_UNRUN_OUTPUTS = "rollback-uses-unrun-outputs";
    public static final String SHELL_INTERPOLATION = "shell-interpolation";

    /** Every lint id with a one-line summary, in the order they are documented in docs/lints.md. */
    public static final Map<String, String> LINTS = lints();

    private final StepTypeRegistry registry;

    public RunbookLinter(StepTypeRegistry registry) {
        this.registry = registry;
    }

    private static Map<String, String> lints() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(RESTART_AFTER_TRUSTSTORE_CHANGE, "a truststore change is not followed by a restart of its consumer");
        m.put(RESTART_AFTER_TRUSTSTORE_RESTORE, "the rollback restores a truststore but nothing restarts its consumer");
        m.put(VALIDATE_WITHOUT_NEW_CONNECTION, "validate opens no new connection after a TLS change or restart");
        m.put(CA_ROTATION_DROPS_OLD_CA, "a CA rotation whose truststore change drops the old CA");
        m.put(UNDO_NEEDS_REMOVED_INPUT, "an undo needs a file that another step removes");
        m.put(ROLLBACK_USES_UNRUN_OUTPUTS, "undo or rollback steps read outputs of steps that may not have run");
        m.put(SHELL_INTERPOLATION, "a parameter, environment or step value is pasted into a shell script");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Lints the runbook as written: every {@code when:} may go either way. */
    public List<Lint> lint(Runbook rb) {
        return lint(rb, Map.of(), Map.of());
    }

    /**
     * Lints the runbook for one environment.
     *
     * @param params resolved parameter values (secrets are ignored); may be empty
     * @param env    the environment variables {@code when:} may read; may be empty
     */
    public List<Lint> lint(Runbook rb, Map<String, Object> params, Map<String, String> env) {
        LintScope scope = new LintScope(rb, registry, params, env);
        List<Lint> out = new ArrayList<>(new TlsChangeLints(scope).check());
        out.addAll(new ReferenceLints(scope).check());
        out.addAll(new ShellInterpolationLint(scope).check());
        Map<String, Integer> order = new java.util.HashMap<>();
        for (StepDef s : rb.allSteps()) {
            order.putIfAbsent(s.id(), order.size());
        }
        out.sort(Comparator.comparingInt((Lint l) -> order.getOrDefault(l.stepIds().get(0), Integer.MAX_VALUE))
                .thenComparing(Lint::id));
        return List.copyOf(out);
    }
}
