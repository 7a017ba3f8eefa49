package dev.cutover.report;

import dev.cutover.journal.Canonical;
import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.ParamSpec;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import dev.cutover.spi.StepType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a runbook as the procedure a new engineer reads: purpose, parameters, each preflight check,
 * each step with its undo (or the stated reason for none), validation, the rollback plan, and which
 * steps restart what. Deterministic, so generated docs can be checked in and tested for staleness.
 */
public final class RunbookDocs {
    private final Runbook runbook;
    private final StepTypeRegistry registry;
    private final String source;

    /** {@code source} is how to name the runbook file in the text (a relative path, not an absolute one). */
    public RunbookDocs(Runbook runbook, StepTypeRegistry registry, String source) {
        this.runbook = runbook;
        this.registry = registry;
        this.source = source;
    }

    public String markdown() {
        return document().markdown();
    }

    public String html() {
        return document().html("Runbook " + runbook.name(), ReportDocument.css());
    }

    private Doc document() {
        Doc d = new Doc();
        d.heading(1, "Runbook: " + runbook.name());
        d.para(runbook.description());
        d.para("Source: `" + source + "` (SHA-256 `" + runbook.sha256() + "`). This page is generated from the "
                + "runbook by `cutover docs`; the runbook is the procedure, so change it there, not here.");
        d.heading(2, "At a glance");
        long mutating = runbook.steps().stream().filter(this::mutating).count();
        long withUndo = runbook.steps().stream().filter(s -> mutating(s) && undoText(s).startsWith("undo")).count();
        List<String> glance = new ArrayList<>();
        glance.add(runbook.preflight().size() + " preflight check(s): read-only; any failure stops the run before "
                + "anything changes (exit 3)");
        glance.add(runbook.steps().size() + " step(s), " + mutating + " of them changing something, " + withUndo
                + " with an undo");
        glance.add(runbook.validate().size() + " validation check(s): read-only; any failure rolls back automatically");
        glance.add(runbook.rollback().size() + " extra rollback step(s) after the undos; then validation runs again");
        List<String> restarts = new ArrayList<>();
        for (StepDef s : runbook.allSteps()) {
            restarts(s).ifPresent(r -> restarts.add("`" + s.id() + "` (" + s.section().key() + "): " + r));
        }
        glance.add(restarts.isEmpty() ? "no step restarts or stops anything" : "restarts: " + String.join("; ", restarts));
        d.bullets(glance);
        d.heading(2, "Parameters");
        if (runbook.params().isEmpty()) {
            d.para("None.");
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (ParamSpec p : runbook.params().values()) {
                rows.add(List.of("`" + p.name() + "`", p.type().name().toLowerCase(Locale.ROOT),
                        p.required() ? "yes" : "no", p.defaultValue() == null ? "" : code(p.defaultValue()),
                        p.from() == null ? "" : "`" + p.from() + "`", p.description() == null ? "" : p.description()));
            }
            d.table(List.of("name", "type", "required", "default", "from", "description"), rows);
            d.para("Secrets are read from their source when the run starts, masked as `***` everywhere, and cannot "
                    + "be given with `--set`.");
        }
        d.heading(2, "How to run it");
        d.code("cutover validate " + source + " --env ENV        # checks everything, runs nothing\n"
                + "cutover plan " + source + " --env ENV            # preflight for real, the rest as a plan\n"
                + "cutover run " + source + " --env ENV --ticket CHG-123 --sign-key cutover-sign-key.pem\n"
                + "cutover report RUN --format html --out report.html");
        section(d, Section.PREFLIGHT, "Preflight checks", "Read-only. Any failure ends the run as PREFLIGHT_FAILED; "
                + "nothing was changed.");
        section(d, Section.STEPS, "Steps", "The change, in order. Before a mutating step changes anything, what its "
                + "undo needs is written to the journal.");
        section(d, Section.VALIDATE, "Validation", "Read-only. Any failure triggers the rollback below.");
        for (dev.cutover.runbook.HostBlock b : runbook.blocks()) {
            d.heading(2, "Hosts block " + b.id());
            d.para("Runs on each host of " + String.join(", ", b.hosts()) + " (from the environment's inventory), "
                    + b.rolling().describe() + ", after " + b.position() + " global step(s). A host that fails is "
                    + "rolled back on its own: its completed steps undone, last first.");
            List<List<String>> rows = new ArrayList<>();
            for (Section sec : List.of(Section.PREFLIGHT, Section.STEPS, Section.VALIDATE)) {
                for (StepDef s : b.section(sec)) {
                    rows.add(List.of(sec.key(), "`" + s.id() + "`", "`" + s.uses() + "`",
                            sec == Section.STEPS ? undoText(s) : "read-only"));
                }
            }
            d.table(List.of("part", "step", "uses", "undo"), rows);
        }
        d.heading(2, "Rollback plan");
        d.para("When a step or a validation check fails, a timeout hits or the operator presses Ctrl-C, cutover:");
        List<String> plan = new ArrayList<>();
        List<StepDef> reversed = new ArrayList<>(runbook.steps());
        java.util.Collections.reverse(reversed);
        for (StepDef s : reversed) {
            plan.add("`" + s.id() + "`: " + undoText(s));
        }
        d.para("1. undoes each completed step, last first:");
        d.bullets(plan);
        d.para("2. runs the rollback section: " + (runbook.rollback().isEmpty() ? "(empty)"
                : String.join(", ", runbook.rollback().stream().map(s -> "`" + s.id() + "`").toList())) + ";");
        d.para("3. runs the validation checks again to prove the system is back. The run ends ROLLED_BACK (exit 1), "
                + "or ROLLBACK_FAILED (exit 4) with the exact manual actions left if an undo fails; cutover then "
                + "stops undoing, so earlier steps are not undone under a later one still in place.");
        section(d, Section.ROLLBACK, "Rollback steps", "Run after the undos, before validation runs again.");
        return d;
    }

    private void section(Doc d, Section section, String title, String intro) {
        List<StepDef> steps = runbook.section(section);
        d.heading(2, title);
        d.para(intro);
        if (steps.isEmpty()) {
            d.para("None.");
            return;
        }
        int n = 1;
        for (StepDef s : steps) {
            d.heading(3, n++ + ". " + s.id());
            d.para(s.description());
            List<List<String>> rows = new ArrayList<>();
            Optional<StepType> type = registry.find(s.uses());
            rows.add(List.of("uses", "`" + s.uses() + "`" + type.map(t -> t.description().isBlank() ? ""
                    : ": " + t.description()).orElse("")));
            rows.add(List.of("changes", mutating(s) ? "yes (mutating)" : "no (read-only)"));
            s.with().forEach((k, v) -> rows.add(List.of("with." + k, code(v))));
            if (s.when() != null) {
                rows.add(List.of("when", "`" + s.when() + "`"));
            }
            if (s.timeout() != null) {
                rows.add(List.of("timeout", RunReport.duration(s.timeout().toMillis())));
            }
            if (s.retry().attempts() > 1) {
                rows.add(List.of("retry", s.retry().attempts() + " attempts, " + RunReport.duration(
                        s.retry().delay().toMillis()) + " apart"));
            }
            if (section == Section.STEPS) {
                rows.add(List.of("undo", undoText(s)));
            }
            restarts(s).ifPresent(r -> rows.add(List.of("restarts", r)));
            d.table(List.of("", ""), rows);
        }
    }

    private boolean mutating(StepDef s) {
        return registry.find(s.uses()).map(t -> !t.readOnly(s.with())).orElse(true);
    }

    private String undoText(StepDef s) {
        if (!mutating(s)) {
            return "nothing to undo (read-only)";
        }
        if (s.undo() != null) {
            StringBuilder sb = new StringBuilder("undo with `" + s.undo().uses() + "`");
            s.undo().with().forEach((k, v) -> sb.append(", ").append(k).append(" ").append(code(v)));
            return sb.toString();
        }
        if (s.noUndo() != null) {
            return "none, by design: " + s.noUndo();
        }
        return registry.find(s.uses()).filter(t -> t instanceof dev.cutover.spi.Undoable).isPresent()
                ? "undo built in: `" + s.uses() + "` restores what it changed from the record it journals first"
                : "none declared";
    }

    /** What this step restarts or stops, from its type's traits or, failing that, its id and description. */
    private Optional<String> restarts(StepDef s) {
        List<String> found = new ArrayList<>();
        registry.find(s.uses()).ifPresent(t -> {
            for (String trait : t.traits().stream().sorted().toList()) {
                if (trait.startsWith("restarts:") || trait.startsWith("stops:")) {
                    String what = trait.substring(trait.indexOf(':') + 1);
                    for (Map.Entry<String, Object> w : s.with().entrySet()) {
                        what = what.replace("{" + w.getKey() + "}", String.valueOf(w.getValue()));
                    }
                    found.add(trait.substring(0, trait.indexOf(':')) + " `" + what + "`");
                }
            }
        });
        String words = (s.id() + " " + (s.description() == null ? "" : s.description())).toLowerCase(Locale.ROOT);
        if (found.isEmpty() && words.contains("restart")) {
            found.add("a restart, going by its name (`" + s.uses() + "` does not declare what it restarts)");
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", found));
    }

    private static String code(Object v) {
        String s = v instanceof String str ? str : Canonical.encode(v);
        return "`" + s.replace("`", "'") + "`";
    }
}
