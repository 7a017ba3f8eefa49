package dev.cutover.report;

import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.RecordVerifier;
import dev.cutover.journal.SealPublicKey;
import dev.cutover.journal.SealVerifier;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a report shows about one run, read from its journal alone: the header facts, the
 * verification verdict, the timeline of events and the spans of the Gantt chart.
 *
 * @param header       who ran what, where and when, and how it ended
 * @param verification the journal's verdict
 * @param timeline     one entry per event worth a line, in journal order
 * @param spans        one bar per step attempt, in start order
 * @param summary      the auditor's first questions answered: changed, undone, re-validated, approved
 * @param rollback     what the rollback did, or null when there was none
 * @param hosts        with fleet hosts: each host's end state, its step grid and its timeline; empty otherwise
 */
public record RunReport(Header header, Verification verification, Summary summary, List<TimelineEntry> timeline,
                        List<Span> spans, Rollback rollback, List<HostView> hosts) {

    /**
     * One fleet host: where it ended, each of its steps' outcomes (in order, e.g. {@code ok → undone}), and its
     * events.
     *
     * @param state succeeded, rolled back, not reached, unreachable, failed or in doubt
     */
    public record HostView(String host, String state, Map<String, String> steps, List<HostEvent> timeline) {
    }

    /** One event of a fleet host's timeline. */
    public record HostEvent(long seq, long offsetMs, String section, String step, String event, String outcome,
                            String error) {
    }

    /** The JSON report's schema id; a change that is not backward compatible bumps it. */
    public static final String SCHEMA = "cutover.report/v1";

    /**
     * The facts from {@code run.started} and {@code run.finished}; any may be null when the journal lacks them.
     *
     * @param params masked parameter values as journaled
     * @param osUser the OS account that ran it (journals before 0.x do not record it)
     * @param osUid  its numeric uid, when recorded
     */
    public record Header(String runId, String runbook, String runbookFile, String runbookSha256, String environment,
                         String operator, String osUser, String osUid, String ticket, String host,
                         String cutoverVersion, String javaVersion,
                         String mode, Boolean rehearsal, Map<String, Object> params, String started,
                         String finished, Long durationMs, String status, Integer exitCode, String reason,
                         List<String> manualActions) {
    }

    /**
     * The verification verdict.
     *
     * @param ok            no check failed (the chain holds, the seal if any, the run and its end)
     * @param authenticated ok and sealed with a valid signature by a key given or trusted
     * @param events        the events the report uses (those before the first bad line)
     * @param signature     valid, not_checked, unsealed or invalid
     * @param checks        what was checked and what was not, in order
     * @param text          one paragraph for people
     */
    public record Verification(boolean ok, boolean authenticated, int events, int badLine, String problem,
                               String lastHash, String signature, String signerFingerprint, String algorithm,
                               List<Check> checks, String text) {
    }

    /**
     * One verification check.
     *
     * @param status passed, failed or not_checked
     */
    public record Check(String name, String status, String text) {
    }

    /**
     * The first screen: what an auditor asks first.
     *
     * @param changed            mutating steps that completed
     * @param failedChanges      mutating steps that failed
     * @param undone             steps undone
     * @param undoFailed         steps whose undo failed, each with its error
     * @param kept               completed steps left in place (no undo), with the reason
     * @param revalidation       the re-validation verdict, or null when there was no rollback
     * @param revalidationChecks each re-validation check the journal records, with its result
     * @param revalidationFailed whether any re-validation check failed
     * @param approvals          each approval (step, approver, time, signed or not) or refusal
     */
    public record Summary(List<String> changed, List<String> failedChanges, List<String> undone,
                          List<String> undoFailed, List<String> kept, String revalidation,
                          List<String> revalidationChecks, boolean revalidationFailed, List<String> approvals) {
    }

    /**
     * One line of the timeline.
     *
     * @param offsetMs   milliseconds since the run started
     * @param outcome    ok, failed, retrying, unchanged, skipped, planned, undone, undo failed, kept, ...
     * @param durationMs the step's duration when the event ends one, else null
     * @param outputs    the outputs worth showing, masked and shortened
     * @param changes    a plan's changes, for mutating steps in a dry run
     */
    public record TimelineEntry(long seq, String time, long offsetMs, String section, String step, String event,
                                String outcome, Integer attempt, Long durationMs, String uses, String detail,
                                String error, Map<String, String> outputs, List<String> changes) {
    }

    /** One bar of the Gantt chart: a step attempt from its start to its outcome. */
    public record Span(String section, String step, Integer attempt, long startMs, long endMs, String outcome) {
    }

    /**
     * The rollback's summary.
     *
     * @param revalidation passed, failed or not run
     */
    public record Rollback(String reason, List<String> undoOrder, Boolean ok, List<String> manualActions,
                           String revalidation) {
    }

    /**
     * Verifies {@code journal} (its signature too when {@code publicKey} is given; its completeness always)
     * and reads it into a report.
     */
    public static RunReport read(Path journal, SealPublicKey publicKey) throws IOException {
        return read(journal, publicKey == null ? List.of() : List.of(publicKey), RecordVerifier.Expect.nothing());
    }

    /** Verifies {@code journal} against trusted keys and what it is expected to be, and reads it into a report. */
    public static RunReport read(Path journal, List<SealPublicKey> trusted, RecordVerifier.Expect expect)
            throws IOException {
        return of(RecordVerifier.verify(journal, trusted, expect));
    }

    /**
     * The report of the events a verdict allows: those before the first bad line, none after a seal, so a
     * forged line can never become the title, status or reason.
     */
    public static RunReport of(RecordVerifier.Verdict v) {
        TimelineBuilder b = new TimelineBuilder(v.events());
        SealVerifier.Verdict sv = v.seal();
        Verification ver = new Verification(v.ok(), v.authenticated(), v.events().size(), v.badLine(), v.problem(),
                v.last() == null ? null : v.last().hash(), sv.signature().name().toLowerCase(Locale.ROOT),
                sv.seal() == null ? null : sv.seal().fingerprint(), sv.seal() == null ? null : sv.seal().algorithm(),
                v.checks().stream().map(c -> new Check(c.name(), c.status().name().toLowerCase(Locale.ROOT),
                        c.text())).toList(), verdictText(v));
        return new RunReport(b.header(), ver, AuditSummary.of(v.events()), b.timeline(), b.spans(), b.rollback(),
                HostGrid.of(v.events()));
    }

    static String verdictText(RecordVerifier.Verdict v) {
        if (!v.ok()) {
            int hidden = v.lines() - v.events().size();
            return "NOT VERIFIED: " + v.problem() + ". " + (hidden > 0 ? "Only the " + v.events().size()
                    + " lines before it are used; line " + (v.events().size() + 1) + " and after are not shown. " : "")
                    + "Treat this record as altered.";
        }
        SealVerifier.Verdict sv = v.seal();
        String progress = v.check("complete").status() == RecordVerifier.Status.NOT_CHECKED
                && v.check("complete").text().startsWith("unfinished") ? " The run is still in progress." : "";
        return switch (sv.signature()) {
            case VALID -> "Verified: " + v.events().size() + " events, hash chain intact, sealed with a valid "
                    + sv.seal().algorithm() + " signature by " + sv.seal().fingerprint() + "." + progress;
            case NOT_CHECKED -> "NOT AUTHENTICATED: the hash chain of " + v.events().size() + " events is consistent"
                    + " and the journal is sealed by " + sv.seal().fingerprint() + ", but the signature was not "
                    + "checked (no public key given): anyone who can write this file could have rewritten it."
                    + progress;
            case UNSEALED, INVALID -> "NOT AUTHENTICATED: the hash chain of " + v.events().size() + " events is "
                    + "consistent, but the journal is NOT sealed: anyone who can write this file could have rewritten "
                    + "it. Seal runs with --sign-key." + progress;
        };
    }

    /** {@code hh:mm:ss.SSS} for an offset in milliseconds. */
    public static String offset(long ms) {
        Duration d = Duration.ofMillis(Math.max(0, ms));
        return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", d.toHours(), d.toMinutesPart(), d.toSecondsPart(),
                d.toMillisPart());
    }

    /** A duration for people: {@code 850ms}, {@code 12.3s}, {@code 1s}, {@code 4m 05s}, {@code 2m}, {@code 2h 01m}. */
    public static String duration(Long ms) {
        if (ms == null) {
            return "";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        Duration d = Duration.ofMillis(ms);
        if (d.toHours() > 0) {
            return d.toMinutesPart() == 0 ? d.toHours() + "h"
                    : String.format(Locale.ROOT, "%dh %02dm", d.toHours(), d.toMinutesPart());
        }
        return d.toSecondsPart() == 0 ? d.toMinutes() + "m"
                : String.format(Locale.ROOT, "%dm %02ds", d.toMinutes(), d.toSecondsPart());
    }

    static long millisBetween(String from, String to) {
        try {
            return Duration.between(Instant.parse(from), Instant.parse(to)).toMillis();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static JournalEvent firstOf(List<JournalEvent> events, String name) {
        return events.stream().filter(e -> e.event().equals(name)).findFirst().orElse(null);
    }
}
