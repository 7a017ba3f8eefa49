package dev.cutover.report;

import dev.cutover.journal.JournalEvent;
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
 * @param rollback     what the rollback did, or null when there was none
 */
public record RunReport(Header header, Verification verification, List<TimelineEntry> timeline, List<Span> spans,
                        Rollback rollback) {

    /** The JSON report's schema id; a change that is not backward compatible bumps it. */
    public static final String SCHEMA = "cutover.report/v1";

    /**
     * The facts from {@code run.started} and {@code run.finished}; any may be null when the journal lacks them.
     *
     * @param params masked parameter values as journaled
     */
    public record Header(String runId, String runbook, String runbookFile, String runbookSha256, String environment,
                         String operator, String ticket, String host, String cutoverVersion, String javaVersion,
                         String mode, Boolean rehearsal, Map<String, Object> params, String started,
                         String finished, Long durationMs, String status, Integer exitCode, String reason,
                         List<String> manualActions) {
    }

    /**
     * The verification verdict.
     *
     * @param signature valid, not_checked, unsealed or invalid
     * @param text      one sentence for people
     */
    public record Verification(boolean ok, int events, int badLine, String problem, String lastHash,
                               String signature, String signerFingerprint, String algorithm, String text) {
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

    /** Verifies {@code journal} (its signature too when {@code publicKey} is given) and reads it into a report. */
    public static RunReport read(Path journal, SealPublicKey publicKey) throws IOException {
        return of(SealVerifier.verify(journal, publicKey));
    }

    /** The report of the events a verdict holds (all of them, or those before the first bad line). */
    public static RunReport of(SealVerifier.Verdict v) {
        TimelineBuilder b = new TimelineBuilder(v.events());
        Verification ver = new Verification(v.ok(), v.events().size(), v.badLine(), v.problem(),
                v.last() == null ? null : v.last().hash(), v.signature().name().toLowerCase(Locale.ROOT),
                v.seal() == null ? null : v.seal().fingerprint(), v.seal() == null ? null : v.seal().algorithm(),
                verdictText(v));
        return new RunReport(b.header(), ver, b.timeline(), b.spans(), b.rollback());
    }

    static String verdictText(SealVerifier.Verdict v) {
        if (!v.ok()) {
            return "NOT VERIFIED: " + v.problem() + ". Only the " + v.events().size()
                    + " lines before it are shown; treat this record as altered.";
        }
        String chain = "Verified: " + v.events().size() + " events, hash chain intact";
        return switch (v.signature()) {
            case VALID -> chain + ", sealed with a valid " + v.seal().algorithm() + " signature by "
                    + v.seal().fingerprint() + ".";
            case NOT_CHECKED -> chain + "; sealed by " + v.seal().fingerprint()
                    + " but the signature was not checked (no public key given).";
            case UNSEALED -> chain + "; not sealed (no signature).";
            case INVALID -> chain + "; the seal is invalid.";
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
