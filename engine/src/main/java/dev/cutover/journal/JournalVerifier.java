package dev.cutover.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a journal's hash chain line by line: each line must be the canonical encoding of its
 * event, its hash must match its content, its {@code prev} the previous line's hash, and its
 * sequence number must follow. Needs nothing but the file.
 */
public final class JournalVerifier {

    private JournalVerifier() {
    }

    /**
     * @param ok          whether the whole chain holds
     * @param events      the events read (up to the first bad line)
     * @param badLine     1-based number of the first bad line, or 0
     * @param problem     what is wrong with it, or null
     */
    public record Verdict(boolean ok, List<JournalEvent> events, int badLine, String problem) {
        public JournalEvent last() {
            return events.isEmpty() ? null : events.get(events.size() - 1);
        }
    }

    public static Verdict verify(Path file) throws IOException {
        return verify(Files.readAllBytes(file));
    }

    /** Checks the journal held in {@code bytes} (a whole file). */
    public static Verdict verify(byte[] bytes) {
        List<JournalEvent> events = new ArrayList<>();
        if (bytes.length == 0) {
            return new Verdict(false, events, 1, "the journal is empty");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.endsWith("\n")) {
            int lines = text.split("\n", -1).length;
            return check(text.substring(0, text.lastIndexOf('\n') + 1), events, lines,
                    "the last line is incomplete (truncated or torn write)");
        }
        return check(text, events, 0, null);
    }

    private static Verdict check(String text, List<JournalEvent> events, int tailLine, String tailProblem) {
        String[] lines = text.isEmpty() ? new String[0] : text.substring(0, text.length() - 1).split("\n", -1);
        String prev = JournalEvent.GENESIS;
        String run = null;
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            JournalEvent e;
            try {
                e = JournalReader.parse(lines[i]);
            } catch (IOException ex) {
                return new Verdict(false, events, n, "line " + n + " is not a valid journal event: " + ex.getMessage());
            }
            if (e.seq() != n) {
                return new Verdict(false, events, n, "line " + n + " has sequence number " + e.seq()
                        + " (expected " + n + "): a line was removed, inserted or reordered");
            }
            if (!prev.equals(e.prev())) {
                return new Verdict(false, events, n, "line " + n + " does not chain to the line before it "
                        + "(prev hash differs): a line was removed, inserted, reordered or edited");
            }
            if (run != null && !run.equals(e.run())) {
                return new Verdict(false, events, n, "line " + n + " belongs to another run (" + e.run() + ")");
            }
            // the canonical line without its top-level "hash" member is exactly what the hash covers
            // (keys are sorted, so that member comes after "data" and "event"; encode once, not twice)
            String canonical = e.toLine();
            String member = "\"hash\":" + Canonical.encode(e.hash()) + ",";
            int at = canonical.lastIndexOf(member);
            String hashed = at < 0 ? canonical : canonical.substring(0, at) + canonical.substring(at + member.length());
            if (at < 0 || !Canonical.sha256(hashed).equals(e.hash())) {
                return new Verdict(false, events, n, "line " + n + " was edited: its content does not match its hash");
            }
            if (!lines[i].equals(canonical)) {
                return new Verdict(false, events, n, "line " + n + " was edited: it is not in canonical form");
            }
            events.add(e);
            prev = e.hash();
            run = e.run();
        }
        if (tailProblem != null) {
            return new Verdict(false, events, tailLine, "line " + tailLine + ": " + tailProblem);
        }
        return new Verdict(true, events, 0, null);
    }
}
