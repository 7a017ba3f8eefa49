package dev.cutover.cli;

import dev.cutover.run.RunListener;
import dev.cutover.run.RunOutcome;
import dev.cutover.run.StepOutcome;
import dev.cutover.run.StepStatus;
import dev.cutover.report.Printable;
import dev.cutover.spi.Durations;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** The operator's view of a run: one line per step with status and duration; colour only on a terminal. */
final class Console implements RunListener {
    private static final String RESET = "\u001b[0m";
    private final PrintWriter out;
    private final boolean color;
    private final boolean live;
    private boolean pending;

    Console(PrintWriter out, boolean color) {
        this.out = out;
        this.color = color;
        this.live = color;
    }

    @Override
    public void runStarted(String runId, String runbook, boolean dryRun) {
        out.println((dryRun ? "Planning " : "Running ") + runbook + "  (run " + runId + ")");
        out.flush();
    }

    @Override
    public void sectionStarted(String section) {
        endPending();
        out.println(paint(section, "\u001b[1m"));
        out.flush();
    }

    @Override
    public void stepStarted(String section, String stepId, int attempt) {
        if (live) {
            endPending();
            out.print("  [ .. ] " + stepId + (attempt > 1 ? " (attempt " + attempt + ")" : "") + " ...");
            out.flush();
            pending = true;
        }
    }

    @Override
    public void stepFinished(String section, StepOutcome o) {
        if (pending) {
            out.print("\r\u001b[2K");
            pending = false;
        }
        String tag = paint(look(o.status(), false, section), color(o.status(), section));
        StringBuilder line = new StringBuilder("  ").append(tag).append(' ')
                .append(String.format("%-28s", o.id())).append(String.format(" %8s", Durations.format(
                        Duration.ofMillis(o.durationMs()))));
        printWithDetails(line, o);
    }

    /** One line per host step: {@code [web-2] restart-app ok 1.2s}. */
    @Override
    public synchronized void hostStepFinished(String host, String section, StepOutcome o) {
        endPending();
        String word = paint(look(o.status(), true, section), color(o.status(), section));
        StringBuilder line = new StringBuilder("  [").append(Printable.line(host)).append("] ")
                .append(section.equals("steps") || section.equals("undo") ? "" : section + " ")
                .append(o.id()).append(' ').append(word).append(' ')
                .append(Durations.format(Duration.ofMillis(o.durationMs())));
        printWithDetails(line, o);
    }

    /** Prints a step's line with its attempts and the first line of its message. */
    private void printWithDetails(StringBuilder line, StepOutcome o) {
        if (o.attempts() > 1) {
            line.append("  ").append(o.attempts()).append(" attempts");
        }
        if (!o.message().isEmpty()) {
            line.append("  ").append(firstLine(o.message()));
        }
        out.println(line);
        out.flush();
    }

    /** How a status reads: a step's tag ({@code [ ok ]}) or a host step's word ({@code ok}). */
    private static String look(StepStatus status, boolean host, String section) {
        return switch (status) {
            case SUCCEEDED -> host ? (section.equals("undo") ? "undone" : "ok") : "[ ok ]";
            case UNCHANGED -> host ? "unchanged" : "[same]";
            case FAILED -> host ? "FAILED" : "[FAIL]";
            case SKIPPED -> host ? "skipped" : "[skip]";
            case PLANNED -> host ? "planned" : "[plan]";
            case UNDONE -> host ? "undone" : "[undo]";
            case UNDO_FAILED -> host ? "UNDO FAILED" : "[UNDO FAILED]";
            case NOT_UNDONE -> host ? "kept" : "[keep]";
        };
    }

    private static String color(StepStatus status, String section) {
        return switch (status) {
            case SUCCEEDED -> section.equals("undo") ? "\u001b[35m" : "\u001b[32m";
            case UNCHANGED -> "\u001b[32m";
            case FAILED, UNDO_FAILED -> "\u001b[31m";
            case SKIPPED, NOT_UNDONE -> "\u001b[33m";
            case PLANNED -> "\u001b[36m";
            case UNDONE -> "\u001b[35m";
        };
    }

    @Override
    public synchronized void hostNote(String host, String stepId, String message) {
        endPending();
        out.println("         [" + Printable.line(host) + "] " + stepId + ": " + indent(Printable.text(message)));
        out.flush();
    }

    @Override
    public synchronized void batchStarted(String block, int index, int of, List<String> hosts, boolean canary) {
        endPending();
        out.println(paint(block + ": batch " + index + "/" + of + (canary ? " (canary)" : "") + ": "
                + Printable.line(String.join(", ", hosts)), "\u001b[1m"));
        out.flush();
    }

    @Override
    public void note(String stepId, String message) {
        endPending();
        out.println("         " + stepId + ": " + indent(Printable.text(message)));
        out.flush();
    }

    @Override
    public void planned(String section, String stepId, String summary, List<String> changes) {
        out.println("  " + paint("[plan]", "\u001b[36m") + " " + String.format("%-28s", stepId) + "  "
                + Printable.line(summary));
        for (String c : changes) {
            out.println("           " + indent(Printable.text(c)));
        }
        out.flush();
    }

    @Override
    public void runFinished(RunOutcome o) {
        endPending();
        String color = switch (o.status()) {
            case SUCCEEDED, PLANNED -> "\u001b[32;1m";
            case ROLLED_BACK -> "\u001b[33;1m";
            default -> "\u001b[31;1m";
        };
        long ms = Duration.between(o.started(), o.finished()).toMillis();
        out.println();
        out.println(paint(o.status().name(), color) + " (exit " + o.exitCode() + ") in "
                + Durations.format(Duration.ofMillis(ms)) + (o.reason().isEmpty() ? "" : ": "
                + indent(Printable.text(o.reason()))));
        if (!o.revalidation().isEmpty()) {
            boolean proven = o.revalidation().startsWith("proven");
            out.println((proven ? "re-validation: " : paint("re-validation: ", "\u001b[31;1m")) + o.revalidation());
        }
        if (!o.manualActions().isEmpty()) {
            out.println(paint("MANUAL ACTION REQUIRED — the system may not be in its original state:", "\u001b[31;1m"));
            for (String a : o.manualActions()) {
                out.println("  - " + indent(Printable.text(a)));
            }
        }
        if (o.status() != dev.cutover.run.RunStatus.PLANNED) {
            FleetRendering.printHostTable(out, o.hosts());
        }
        out.println("journal: " + o.journal());
        out.flush();
    }

    private void endPending() {
        if (pending) {
            out.println();
            pending = false;
        }
    }

    private String paint(String s, String code) {
        return color ? code + s + RESET : s;
    }

    /** The first line of a step's message, with control characters made visible. */
    static String firstLine(String s) {
        String t = s.replace("\r\n", "\n");
        int nl = t.indexOf('\n');
        return Printable.line(nl < 0 ? t : t.substring(0, nl)) + (nl < 0 ? "" : " ...");
    }

    /** Later lines of a multi-line text indented, so they cannot pass for cutover's own lines. */
    private static String indent(String s) {
        return s.replace("\n", "\n           ");
    }

    static boolean anyFailed(List<StepOutcome> steps) {
        return steps.stream().anyMatch(s -> s.status() == StepStatus.FAILED);
    }
}
