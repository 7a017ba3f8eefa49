package dev.cutover.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides what a journal proves about one run, and says what was checked and what was not: the hash chain,
 * the seal (against trusted keys only), that the journal belongs to the run asked for and lies in that run's
 * directory, that it ends with {@code run.finished} (unless its process is still alive on this host), and that
 * the runbook given hashes to what the journal recorded. Only the lines before the first bad one (and none
 * after a seal) are handed on, so nothing forged can become a headline.
 */
public final class RecordVerifier {
    private RecordVerifier() {
    }

    /** The result of one check. */
    public enum Status {
        PASSED, FAILED, NOT_CHECKED
    }

    /**
     * One check and what it found, for people.
     *
     * @param name chain, seal, run, complete or runbook
     */
    public record Check(String name, Status status, String text) {
    }

    /**
     * What the journal is asked to be.
     *
     * @param runId            the run asked for (by id), or null
     * @param checkDirectory   whether the journal must lie in its run's directory (or an export named after it)
     * @param runbookSha256    the SHA-256 of the runbook the operator named, or null
     * @param runbookSource    where that runbook came from, for messages; may be null
     * @param requireFinished  whether the journal must end with {@code run.finished} (false for resume)
     * @param tolerateTornTail whether an incomplete last line is left out instead of failing (resume cuts it)
     */
    public record Expect(String runId, boolean checkDirectory, String runbookSha256, String runbookSource,
                         boolean requireFinished, boolean tolerateTornTail) {
        /** Nothing beyond the chain, the seal and completeness. */
        public static Expect nothing() {
            return new Expect(null, false, null, null, true, false);
        }

        public Expect run(String id, boolean directory) {
            return new Expect(id, directory, runbookSha256, runbookSource, requireFinished, tolerateTornTail);
        }

        public Expect runbook(String sha256, String source) {
            return new Expect(runId, checkDirectory, sha256, source, requireFinished, tolerateTornTail);
        }

        /** For a run to resume: it may be unfinished and its torn last line is cut off by resume. */
        public Expect resumable() {
            return new Expect(runId, checkDirectory, runbookSha256, runbookSource, false, true);
        }
    }

    /**
     * The verdict.
     *
     * @param ok      no check failed
     * @param seal    the chain and seal verdict underneath
     * @param events  the events that may be used: those before the first bad line, none after a seal
     * @param lines   complete lines in the file
     * @param badLine the first bad line, or 0
     * @param problem the first failed check's text, or null
     * @param checks  every check, in order: chain, seal, run, complete, runbook, copies
     */
    public record Verdict(boolean ok, SealVerifier.Verdict seal, List<JournalEvent> events, int lines, int badLine,
                          String problem, List<Check> checks) {
        /** Whether the record is authenticated: every check passed and the seal verified with a trusted key. */
        public boolean authenticated() {
            return ok && seal.signature() == SealVerifier.Signature.VALID;
        }

        public Check check(String name) {
            return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        }

        public JournalEvent first() {
            return events.isEmpty() ? null : events.get(0);
        }

        public JournalEvent last() {
            return events.isEmpty() ? null : events.get(events.size() - 1);
        }

        /** The status of the last {@code run.finished} among the usable events, or {@code unfinished}. */
        public String finalStatus() {
            return JournalEvent.finalStatus(events);
        }

        /** The checks that were not made or could not pass, for "what was not checked". */
        public List<Check> notChecked() {
            return checks.stream().filter(c -> c.status() == Status.NOT_CHECKED).toList();
        }
    }

    public static Verdict verify(Path journal, List<SealPublicKey> trusted, Expect expect) throws IOException {
        byte[] bytes = Files.readAllBytes(journal);
        if (expect.tolerateTornTail() && bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
            int nl = bytes.length - 1;
            while (nl >= 0 && bytes[nl] != '\n') {
                nl--;
            }
            bytes = Arrays.copyOf(bytes, nl + 1);
        }
        JournalVerifier.Verdict chain = JournalVerifier.verify(bytes);
        SealVerifier.Verdict sv = SealVerifier.verify(chain, trusted);
        List<JournalEvent> events = usable(chain, sv);
        List<Check> checks = new ArrayList<>();
        checks.add(chain.ok() ? new Check("chain", Status.PASSED, "hash chain consistent over " + chain.events().size()
                + " lines (every line's hash, and its link to the line before)")
                : new Check("chain", Status.FAILED, chain.problem()));
        checks.add(sealCheck(chain, sv));
        int bad = sv.badLine();
        Check run = runCheck(journal, events, expect);
        checks.add(run);
        if (bad == 0 && run.status() == Status.FAILED) {
            bad = 1;
        }
        Check complete = completeCheck(events, expect, chain.ok() && sv.ok());
        checks.add(complete);
        if (bad == 0 && complete.status() == Status.FAILED) {
            bad = events.size() + 1;
        }
        Check runbook = runbookCheck(events, expect);
        checks.add(runbook);
        if (bad == 0 && runbook.status() == Status.FAILED) {
            bad = 1;
        }
        Check copies = copiesCheck(journal.toAbsolutePath().getParent(), events);
        checks.add(copies);
        if (bad == 0 && copies.status() == Status.FAILED) {
            bad = 1;
        }
        String problem = checks.stream().filter(c -> c.status() == Status.FAILED).map(Check::text).findFirst()
                .orElse(null);
        int lines = 0;
        for (byte b : bytes) {
            lines += b == '\n' ? 1 : 0;
        }
        return new Verdict(problem == null, sv, events, lines, bad, problem, List.copyOf(checks));
    }

    /**
     * The events before the first bad line; when a seal failed, only those up to the last seal before it that
     * verified (the lines between could be anyone's), and never a line after the last seal.
     */
    private static List<JournalEvent> usable(JournalVerifier.Verdict chain, SealVerifier.Verdict sv) {
        List<JournalEvent> all = sv.events();
        int end = sv.badLine() > 0 ? Math.min(all.size(), sv.badLine() - 1) : all.size();
        if (chain.ok() && !sv.ok()) {
            int badSeal = sv.badLine() - 1;
            if (badSeal < all.size() && all.get(badSeal).event().equals(Seal.EVENT)) {
                for (int i = badSeal - 1; i >= 0; i--) {
                    if (all.get(i).event().equals(Seal.EVENT)) {
                        end = i + 1;
                        break;
                    }
                }
            }
        }
        return List.copyOf(all.subList(0, end));
    }

    private static Check sealCheck(JournalVerifier.Verdict chain, SealVerifier.Verdict sv) {
        if (!chain.ok()) {
            return new Check("seal", Status.NOT_CHECKED, "seal not checked: the chain is broken");
        }
        if (!sv.ok()) {
            return new Check("seal", Status.FAILED, sv.problem());
        }
        return switch (sv.signature()) {
            case VALID -> new Check("seal", Status.PASSED, "sealed on line " + sv.seal().line() + " with a valid "
                    + sv.seal().algorithm() + " signature by " + sv.seal().fingerprint() + ", a trusted key");
            case NOT_CHECKED -> new Check("seal", Status.NOT_CHECKED, "sealed on line " + sv.seal().line() + " by "
                    + sv.seal().fingerprint() + ", but the signature was NOT checked: no public key was given "
                    + "(--public-key, --trusted-keys or " + TrustedKeys.ENV + "), so anyone who can write this file "
                    + "could have rewritten it");
            case UNSEALED -> new Check("seal", Status.NOT_CHECKED, "NOT sealed: anyone who can write this file could "
                    + "have rewritten it; seal runs with --sign-key (keys from 'cutover keygen')");
            case INVALID -> new Check("seal", Status.FAILED, sv.problem());
        };
    }

    private static Check runCheck(Path journal, List<JournalEvent> events, Expect expect) {
        if (events.isEmpty()) {
            return new Check("run", Status.NOT_CHECKED, "no event to tell which run this is");
        }
        String id = events.get(0).run();
        if (expect.runId() != null && !expect.runId().equals(id)) {
            return new Check("run", Status.FAILED, "line 1: this journal records run " + id + ", not the run asked "
                    + "for (" + expect.runId() + "): it was copied or moved from another run");
        }
        if (expect.checkDirectory()) {
            String dir = directoryName(journal);
            if (!id.equals(dir)) {
                return new Check("run", Status.FAILED, "line 1: this journal records run " + id + " but lies in the "
                        + "directory of " + (dir == null ? "no run" : "run " + dir) + ": it was copied or moved from "
                        + "another run's directory");
            }
            return new Check("run", Status.PASSED, "every event belongs to run " + id + ", the run directory it lies in");
        }
        return new Check("run", Status.PASSED, "every event belongs to run " + id
                + (expect.runId() == null ? " (its location was not compared)" : ""));
    }

    /** The run directory's name, or the export root's when the journal is an unpacked export's {@code run/}. */
    static String directoryName(Path journal) {
        Path dir = journal.toAbsolutePath().normalize().getParent();
        if (dir == null || dir.getFileName() == null) {
            return null;
        }
        if (dir.getFileName().toString().equals("run") && dir.getParent() != null
                && dir.getParent().getFileName() != null) {
            return dir.getParent().getFileName().toString();
        }
        return dir.getFileName().toString();
    }

    private static Check completeCheck(List<JournalEvent> events, Expect expect, boolean readable) {
        if (!expect.requireFinished()) {
            return new Check("complete", Status.NOT_CHECKED, "completeness not required (a run to resume)");
        }
        if (!readable || events.isEmpty()) {
            return new Check("complete", Status.NOT_CHECKED, "completeness not checked: the record is broken");
        }
        JournalEvent last = null;
        for (int i = events.size() - 1; i >= 0 && last == null; i--) {
            if (!events.get(i).event().equals(Seal.EVENT)) {
                last = events.get(i);
            }
        }
        if (last != null && last.event().equals("run.finished")) {
            return new Check("complete", Status.PASSED, "ends with run.finished (" + last.dataString("status") + ")");
        }
        JournalEvent started = events.get(0);
        String alive = alive(started);
        String where = "pid " + started.dataString("pid") + " on " + started.dataString("host");
        if (alive != null) {
            return new Check("complete", Status.NOT_CHECKED, "unfinished, and the run is still in progress: " + alive);
        }
        return new Check("complete", Status.FAILED, "line " + (events.size() + 1) + ": the journal ends with '"
                + (last == null ? "?" : last.event()) + "' on line " + (last == null ? 0 : last.seq())
                + ", not run.finished, and its process (" + where + ") is not running here: the run stopped "
                + "(resume it with 'cutover resume') or its last lines were removed");
    }

    /** Why the run of {@code started} is alive on this host, or null when it is not (or cannot be told). */
    static String alive(JournalEvent started) {
        Object pid = started.data().get("pid");
        String host = started.dataString("host");
        if (!(pid instanceof Number n) || host == null || !host.equals(OsIdentity.host())) {
            return null;
        }
        Instant at;
        try {
            at = Instant.parse(started.time());
        } catch (RuntimeException e) {
            return null;
        }
        return ProcessHandle.of(n.longValue()).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().startInstant().map(s -> !s.isAfter(at.plusSeconds(1))).orElse(true))
                .map(p -> "pid " + n.longValue() + " on this host (" + host + ") is alive and started before the run")
                .orElse(null);
    }

    /** The names {@code run.started} may give the copies of what ran; nothing else is read. */
    private static final List<String> COPY_NAMES = List.of("runbook.yaml", "environment.yaml");

    /**
     * The run directory's copies of the runbook and environment file hash to what {@code run.started}
     * recorded (the runbook's copy to {@code runbook_sha256}).
     */
    private static Check copiesCheck(Path dir, List<JournalEvent> events) {
        if (events.isEmpty()) {
            return new Check("copies", Status.NOT_CHECKED, "the copies of what ran were not checked: no usable events");
        }
        JournalEvent started = events.get(0);
        List<String> passed = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        String[][] pairs = {{"runbook_copy", "runbook_sha256", "runbook"},
                {"environment_copy", "environment_sha256", "environment file"}};
        for (String[] p : pairs) {
            String name = started.dataString(p[0]);
            String expected = started.dataString(p[1]);
            if (name == null || expected == null) {
                continue;
            }
            if (!COPY_NAMES.contains(name)) {
                return new Check("copies", Status.FAILED, "line 1: run.started names '" + name + "' as the copy of the "
                        + p[2] + "; cutover writes only " + String.join(" and ", COPY_NAMES));
            }
            Path file = dir == null ? null : dir.resolve(name);
            if (file == null || !Files.isRegularFile(file)) {
                absent.add(name);
                continue;
            }
            String actual;
            try {
                actual = Canonical.sha256(Files.readAllBytes(file));
            } catch (IOException e) {
                absent.add(name);
                continue;
            }
            if (!actual.equals(expected)) {
                return new Check("copies", Status.FAILED, name + ", the copy of the " + p[2] + " as run, was changed "
                        + "after the run: its SHA-256 is " + actual + ", run.started recorded " + expected);
            }
            passed.add(name);
        }
        if (passed.isEmpty() && absent.isEmpty()) {
            return new Check("copies", Status.NOT_CHECKED, "the journal records no copies of what ran (a run from "
                    + "before they were kept)");
        }
        if (!absent.isEmpty()) {
            return new Check("copies", Status.NOT_CHECKED, String.join(" and ", absent) + " recorded by run.started "
                    + (absent.size() == 1 ? "is" : "are") + " not beside the journal, so not compared"
                    + (passed.isEmpty() ? "" : " (" + String.join(", ", passed) + " matched)"));
        }
        return new Check("copies", Status.PASSED, String.join(" and ", passed) + " beside the journal "
                + (passed.size() == 1 ? "is" : "are") + " what ran (SHA-256 as run.started recorded)");
    }

    private static Check runbookCheck(List<JournalEvent> events, Expect expect) {
        String recorded = events.isEmpty() ? null : events.get(0).dataString("runbook_sha256");
        if (expect.runbookSha256() == null) {
            return new Check("runbook", Status.NOT_CHECKED, "the runbook was not compared (give --runbook FILE)");
        }
        String source = expect.runbookSource() == null ? "the runbook given" : expect.runbookSource();
        if (expect.runbookSha256().equals(recorded)) {
            return new Check("runbook", Status.PASSED, source + " is the runbook that ran (SHA-256 " + recorded + ")");
        }
        return new Check("runbook", Status.FAILED, source + " is not the runbook this journal records: SHA-256 "
                + expect.runbookSha256() + ", the journal says " + recorded);
    }
}
