package dev.cutover.report;

import dev.cutover.journal.Canonical;
import dev.cutover.journal.Journal;
import dev.cutover.journal.PrivateFiles;
import dev.cutover.spi.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Bundles a run as one zip for a change ticket or a regulator: the run directory, the three reports,
 * the runbook file as run (when its SHA-256 still matches the journal's), a {@code SHA256SUMS} manifest
 * and a README saying how to verify it. Backups the steps took ({@code backups/}) may hold private
 * keys, so they are listed in the manifest by checksum but included only when asked.
 */
public final class RunExport {
    /** The directory of step backups inside a run directory. */
    public static final String BACKUPS = "backups";

    private RunExport() {
    }

    /**
     * What was written.
     *
     * @param files   every file in the zip except the manifest, relative to the bundle's root
     * @param omitted files left out and why
     */
    public record Result(List<String> files, List<String> omitted) {
    }

    /** Writes the zip atomically; {@code report} is the run's report (already verified). */
    public static Result write(Path runDirectory, RunReport report, Path zip, boolean includeBackups)
            throws IOException {
        String root = report.header().runId() == null ? runDirectory.getFileName().toString() : report.header().runId();
        Map<String, byte[]> files = new TreeMap<>();
        List<String> omitted = new ArrayList<>();
        List<String> backupSums = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(runDirectory)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = runDirectory.relativize(f).toString().replace('\\', '/');
                byte[] bytes = Files.readAllBytes(f);
                if (!includeBackups && rel.startsWith(BACKUPS + "/")) {
                    backupSums.add(Canonical.sha256(bytes) + "  run/" + rel);
                    continue;
                }
                files.put("run/" + rel, bytes);
            }
        }
        if (!backupSums.isEmpty()) {
            omitted.add(backupSums.size() + " backup file(s) under run/" + BACKUPS + "/ (they may hold private keys; "
                    + "use --include-backups to add them)");
        }
        for (ReportFormat f : ReportFormat.values()) {
            files.put("report." + f.extension(), f.render(report).getBytes(StandardCharsets.UTF_8));
        }
        String runbookFile = report.header().runbookFile();
        if (runbookFile != null) {
            Path rb = Path.of(runbookFile);
            if (!Files.isRegularFile(rb)) {
                omitted.add("the runbook " + runbookFile + " (no longer there)");
            } else {
                byte[] bytes = Files.readAllBytes(rb);
                if (Canonical.sha256(bytes).equals(report.header().runbookSha256())) {
                    files.put("runbook/" + rb.getFileName(), bytes);
                } else {
                    omitted.add("the runbook " + runbookFile + " (changed since the run: its SHA-256 no longer "
                            + "matches the journal's)");
                }
            }
        }
        files.put("README.txt", readme(root, report, omitted).getBytes(StandardCharsets.UTF_8));
        StringBuilder sums = new StringBuilder();
        files.forEach((name, bytes) -> sums.append(Canonical.sha256(bytes)).append("  ").append(name).append('\n'));
        if (!backupSums.isEmpty()) {
            sums.append("# not included, listed for reference:\n");
            backupSums.forEach(s -> sums.append("# ").append(s).append('\n'));
        }
        List<String> names = new ArrayList<>(files.keySet());
        files.put("SHA256SUMS", sums.toString().getBytes(StandardCharsets.UTF_8));
        long time = entryTime(report);
        PrivateFiles.createDirectories(zip.toAbsolutePath().getParent());
        AtomicFiles.write(zip, out -> {
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                for (Map.Entry<String, byte[]> e : files.entrySet()) {
                    ZipEntry ze = new ZipEntry(root + "/" + e.getKey());
                    ze.setTime(time);
                    z.putNextEntry(ze);
                    z.write(e.getValue());
                    z.closeEntry();
                }
            }
        }, AtomicFiles.OWNER_ONLY, AtomicFiles.ATOMIC_MOVE);
        return new Result(names, omitted);
    }

    private static long entryTime(RunReport r) {
        try {
            return Instant.parse(r.header().started()).toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String readme(String root, RunReport r, List<String> omitted) {
        StringBuilder sb = new StringBuilder();
        sb.append("cutover run ").append(root).append(": ").append(r.header().runbook()).append(", ")
                .append(r.header().status()).append("\n\n");
        sb.append("run/").append(Journal.FILE_NAME).append("  the hash-chained journal, the record itself\n");
        sb.append("run/runbook.yaml, run/environment.yaml  the runbook and environment file as run, kept when the run\n"
                + "              started (secrets masked); their SHA-256 are in the journal's first line\n");
        sb.append("report.html   the report with its timeline (open in any browser, works offline)\n");
        sb.append("report.md     the same report in Markdown\n");
        sb.append("report.json   the same report as JSON (schema ").append(RunReport.SCHEMA).append(")\n");
        sb.append("runbook/      the runbook file as run; its SHA-256 is recorded in the journal's first line\n");
        sb.append("SHA256SUMS    the SHA-256 of every file here\n\n");
        sb.append("To verify, with the signer's public key obtained separately (not from this zip):\n\n");
        sb.append("  cutover verify ").append(root).append(" --public-key cutover-sign-pub.pem\n");
        sb.append("  (cd ").append(root).append(" && sha256sum -c SHA256SUMS)\n\n");
        sb.append("The reports are derived from the journal; the journal and its seal are the evidence.\n");
        if (!omitted.isEmpty()) {
            sb.append("\nNot included:\n");
            omitted.forEach(o -> sb.append("- ").append(o).append('\n'));
        }
        return sb.toString();
    }
}
