package dev.cutover.approval;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cutover.journal.Canonical;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.PrivateFiles;
import dev.cutover.journal.SealPublicKey;

import dev.cutover.spi.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Signed approvals on disk and in the journal: where {@code cutover approve} puts them
 * ({@code <run-dir>/approvals/<step>/<key-fingerprint>.json}), which of them count for a step (signed by a
 * trusted approver key, for this run, step, runbook and parameters; one per key), and whether the approvals a
 * journal records hold.
 */
public final class ApprovalCheck {
    /** The directory inside a run directory that approval files go to. */
    public static final String DIRECTORY = "approvals";

    private ApprovalCheck() {
    }

    /**
     * The approvals that count for one step, and the files that do not with why.
     *
     * @param valid    distinct approvers (by key), in file name order
     * @param rejected one line per file that does not count
     */
    public record Collected(List<SignedApproval> valid, List<String> rejected) {
    }

    /** What a run's approval step compares an approval with. */
    public record Expected(String run, String step, String runbookSha256, String paramsSha256) {
        /** From the journal's {@code run.started}. */
        public static Expected of(JournalEvent runStarted, String step) {
            @SuppressWarnings("unchecked")
            Map<String, Object> params = runStarted.data().get("params") instanceof Map<?, ?> m
                    ? (Map<String, Object>) m : Map.of();
            return new Expected(runStarted.run(), step, runStarted.dataString("runbook_sha256"),
                    SignedApproval.paramsHash(params));
        }
    }

    /** Where {@code cutover approve} writes an approval of {@code step} by the key with {@code fingerprint}. */
    public static Path file(Path runDir, String step, String fingerprint) {
        return runDir.resolve(DIRECTORY).resolve(step).resolve(fingerprint.replace("sha256:", "") + ".json");
    }

    /** Writes the approval file atomically, 0600, in a 0700 directory. */
    public static Path write(Path file, SignedApproval a) throws IOException {
        PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.writeString(file, Canonical.encode(a.fields()) + "\n", AtomicFiles.OWNER_ONLY);
        return file;
    }

    /**
     * The approvals of {@code expected.step()} in {@code runDir} that count: the one call an approval step makes
     * (repeatedly, while it waits) before journaling each new one as {@code approval.granted} with
     * {@link SignedApproval#fields()}.
     */
    public static Collected collect(Path runDir, Expected expected, List<SealPublicKey> approverKeys)
            throws IOException {
        Path dir = runDir.resolve(DIRECTORY).resolve(expected.step());
        java.util.Optional<dev.cutover.state.StateStore> store = dev.cutover.state.StateStores.current();
        if (store.isPresent()) {
            store.get().fetchApprovals(expected.run(), expected.step(), dir); // given on other machines; checked below
        }
        List<SignedApproval> valid = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Collected(valid, rejected);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        Map<String, SignedApproval> byKey = new LinkedHashMap<>();
        for (Path f : files) {
            SignedApproval a;
            try {
                a = SignedApproval.of(Canonical.MAPPER.readValue(Files.readString(f),
                        new TypeReference<Map<String, Object>>() { }));
            } catch (IOException | RuntimeException e) {
                rejected.add(f.getFileName() + ": not an approval file");
                continue;
            }
            String problem = a == null ? "not a " + SignedApproval.FORMAT + " approval" : problem(a, expected,
                    approverKeys);
            if (problem != null) {
                rejected.add(f.getFileName() + ": " + problem);
            } else {
                byKey.putIfAbsent(a.fingerprint(), a);
            }
        }
        valid.addAll(byKey.values());
        return new Collected(valid, rejected);
    }

    /** What is wrong with an approval for this run and step, or null when it counts. */
    public static String problem(SignedApproval a, Expected expected, List<SealPublicKey> approverKeys) {
        if (!expected.run().equals(a.run()) || !expected.step().equals(a.step())) {
            return "it approves run " + a.run() + " step " + a.step() + ", not run " + expected.run() + " step "
                    + expected.step();
        }
        if (expected.runbookSha256() == null || !expected.runbookSha256().equals(a.runbookSha256())) {
            return "it approves runbook SHA-256 " + a.runbookSha256() + ", but this run's is "
                    + expected.runbookSha256();
        }
        if (!expected.paramsSha256().equals(a.paramsSha256())) {
            return "it approves other parameters (hash " + a.paramsSha256() + ")";
        }
        SealPublicKey key = approverKeys.stream().filter(k -> k.fingerprint().equals(a.fingerprint())).findFirst()
                .orElse(null);
        if (key == null) {
            return "signed by " + a.fingerprint() + ", which is not a trusted approver key";
        }
        if (!a.signedBy(key)) {
            return "its signature does not verify with " + a.fingerprint();
        }
        return null;
    }

    /**
     * Checks the signed approvals a journal records: each must hold for its run, step, runbook and parameters and
     * be signed by one of {@code approverKeys}; and each approval step's signed approvals must come from distinct
     * keys. Returns one line per problem (empty when all hold) and counts what it checked.
     */
    public static Verdict verifyJournal(List<JournalEvent> events, List<SealPublicKey> approverKeys) {
        List<String> problems = new ArrayList<>();
        int signed = 0;
        int unsigned = 0;
        if (events.isEmpty()) {
            return new Verdict(0, 0, problems);
        }
        Map<String, List<String>> keysByStep = new LinkedHashMap<>();
        for (JournalEvent e : events) {
            if (!e.event().equals("approval.granted")) {
                continue;
            }
            SignedApproval a = SignedApproval.of(e.data());
            if (a == null) {
                unsigned++;
                continue;
            }
            signed++;
            String problem = approverKeys.isEmpty() ? null
                    : problem(a, Expected.of(events.get(0), e.step()), approverKeys);
            if (problem != null) {
                problems.add("line " + e.seq() + ": approval of step '" + e.step() + "' by " + a.approver() + ": "
                        + problem);
            }
            List<String> keys = keysByStep.computeIfAbsent(e.step(), k -> new ArrayList<>());
            if (keys.contains(a.fingerprint())) {
                problems.add("line " + e.seq() + ": step '" + e.step() + "' counts two approvals by the same key "
                        + a.fingerprint());
            }
            keys.add(a.fingerprint());
        }
        return new Verdict(signed, unsigned, problems);
    }

    /**
     * @param signed   signed approvals recorded
     * @param unsigned typed (unsigned) approvals recorded
     * @param problems what does not hold
     */
    public record Verdict(int signed, int unsigned, List<String> problems) {
    }
}
