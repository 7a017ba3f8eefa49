package dev.cutover.lint;

import dev.cutover.runbook.StepDef;
import dev.cutover.spi.StepType;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The lints about certificate changes: a truststore change nobody restarts for (forward and on
 * rollback), a validation that only reuses pooled connections, and a CA rotation that drops the old CA.
 */
final class TlsChangeLints {
    static final String TRUSTSTORE = "changes:truststore";
    static final String DATABASE_CA = "changes:database-ca";
    /** A step type may declare this trait when its check opens a new connection or request. */
    static final String NEW_CONNECTION = "checks:new-connection";
    /** A step type may declare this trait when it removes entries from a store. */
    static final String DROPS_ENTRIES = "removes:truststore-entries";

    private final LintScope scope;

    TlsChangeLints(LintScope scope) {
        this.scope = scope;
    }

    List<Lint> check() {
        List<Lint> out = new ArrayList<>();
        List<StepDef> steps = scope.runbook().steps().stream().filter(scope::mayRun).toList();
        boolean rollbackRestarts = scope.runbook().rollback().stream().filter(scope::mayRun)
                .anyMatch(scope::restarts);
        for (int i = 0; i < steps.size(); i++) {
            StepDef s = steps.get(i);
            if (!scope.has(s, TRUSTSTORE)) {
                continue;
            }
            Optional<StepDef> restart = steps.subList(i + 1, steps.size()).stream().filter(scope::restarts)
                    .findFirst();
            if (restart.isEmpty()) {
                String undeclared = steps.subList(i + 1, steps.size()).stream().filter(x -> !scope.restarts(x)
                        && (x.id() + " " + x.description()).toLowerCase(java.util.Locale.ROOT).contains("restart"))
                        .map(x -> " ('" + x.id() + "' looks like a restart, but " + x.uses() + " cannot declare what "
                                + "it restarts)").findFirst().orElse("");
                out.add(new Lint(RunbookLinter.RESTART_AFTER_TRUSTSTORE_CHANGE, s.location(), List.of(s.id()),
                        "a running Java application keeps the truststore it loaded at start-up, so this change "
                                + "stays invisible until an unplanned restart (the restart nobody planned)",
                        "add a step after '" + s.id() + "' that restarts or reloads the application (process.restart, "
                                + "or a step type that declares restarts:NAME) before validate" + undeclared));
            } else if (!rollbackRestarts && s.noUndo() == null) {
                out.add(new Lint(RunbookLinter.RESTART_AFTER_TRUSTSTORE_RESTORE, s.location(),
                        List.of(s.id(), restart.get().id()),
                        "on rollback the store is restored after '" + restart.get().id() + "' restarted the "
                                + "application on the changed store, and nothing restarts it again, so it keeps "
                                + "running on the store that was rolled back",
                        "add a step to the 'rollback' section that restarts the application (it runs after the "
                                + "store is restored)"));
            }
        }
        List<StepDef> changes = steps.stream().filter(s -> scope.has(s, TRUSTSTORE) || scope.has(s, DATABASE_CA)
                || scope.restarts(s)).toList();
        boolean newConnection = scope.runbook().validate().stream().filter(scope::mayRun)
                .anyMatch(this::opensNewConnection);
        if (!changes.isEmpty() && !newConnection) {
            StepDef first = changes.get(0);
            out.add(new Lint(RunbookLinter.VALIDATE_WITHOUT_NEW_CONNECTION, first.location(),
                    changes.stream().map(StepDef::id).toList(),
                    "no check in 'validate' opens a new connection or request after these steps, and pooled "
                            + "connections opened before the change hide a TLS failure until they are recycled",
                    "add a check to 'validate' that opens a new connection: tls.handshake with the application's "
                            + "truststore, or http.check on a health endpoint that opens a new database connection"));
        }
        List<StepDef> rotations = steps.stream().filter(s -> scope.has(s, DATABASE_CA)).toList();
        if (!rotations.isEmpty()) {
            for (StepDef s : steps) {
                if (dropsEntries(s)) {
                    List<String> ids = new ArrayList<>(List.of(s.id()));
                    rotations.forEach(r -> ids.add(r.id()));
                    out.add(new Lint(RunbookLinter.CA_ROTATION_DROPS_OLD_CA, s.location(), ids,
                            "this truststore change drops entries in the same change as the CA rotation, so clients "
                                    + "stop trusting the old CA while the database still serves it or may go back "
                                    + "to it: there is no way back",
                            "keep the old CA during the change (tls.store-import keeps existing entries by default; "
                                    + "remove 'keep_existing: false'), and remove it in a later change once the "
                                    + "rollback window has passed"));
                }
            }
        }
        return out;
    }

    private boolean opensNewConnection(StepDef s) {
        return scope.has(s, NEW_CONNECTION);
    }

    private boolean dropsEntries(StepDef s) {
        if (scope.has(s, DROPS_ENTRIES)) {
            return true;
        }
        Optional<StepType> t = scope.type(s.uses());
        boolean hasKeepInput = t.isPresent() && t.get().inputs().stream().anyMatch(i -> i.name().equals("keep_existing"));
        return scope.has(s, TRUSTSTORE) && hasKeepInput
                && scope.bool(s.with().get("keep_existing")).map(b -> !b).orElse(false);
    }
}
