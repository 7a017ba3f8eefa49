package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's audit story with the real jar, as separate processes: the operator seals a run and
 * exports it; an auditor with only the zip and the public key, in another directory with no state,
 * verifies it and reads its timeline.
 */
class AuditTrailIT {
    @TempDir
    Path dir;

    private record Result(int exit, String out) {
    }

    private Result cutover(Path cwd, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JarProcessIT.JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(cwd.toFile());
        pb.environment().put("NO_COLOR", "1");
        pb.environment().remove("CUTOVER_STATE_DIR");
        pb.environment().remove("CUTOVER_SIGN_KEY");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    @Test
    void anAuditorWithOnlyTheZipAndThePublicKeyVerifiesTheRunAndReadsItsTimeline() throws Exception {
        Path operator = Files.createDirectories(dir.resolve("operator"));
        Path auditor = Files.createDirectories(dir.resolve("auditor"));
        assertEquals(0, cutover(operator, "keygen", "--out", "keys").exit());
        Path rb = TraceRunbooks.write(operator, "change.yaml", TraceRunbooks.header() + "steps:\n"
                + TraceRunbooks.step("a", "a", 0, TraceRunbooks.undo("undo-a", 0)) + "validate:\n"
                + TraceRunbooks.healthCheck("v", "v", 1));
        Result run = cutover(operator, "run", rb.toString(), "--yes", "--set", "trace=" + operator.resolve("t"),
                "--sign-key", "keys/cutover-sign-key.pem", "--operator", "alice", "--ticket", "CHG-1");
        assertEquals(4, run.exit(), run.out());
        String id = run.out().replaceAll("(?s).*runs/([0-9a-z-]+)/journal\\.jsonl.*", "$1");
        assertEquals(0, cutover(operator, "export", id, "--out", "evidence.zip").exit());
        Files.copy(operator.resolve("evidence.zip"), auditor.resolve("evidence.zip"));
        Files.copy(operator.resolve("keys/cutover-sign-pub.pem"), auditor.resolve("signer.pem"));

        try (InputStream in = Files.newInputStream(auditor.resolve("evidence.zip"));
             ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                Path f = auditor.resolve(e.getName());
                Files.createDirectories(f.getParent());
                Files.write(f, z.readAllBytes());
            }
        }
        Result verify = cutover(auditor, "verify", id, "--public-key", "signer.pem");
        assertEquals(0, verify.exit(), verify.out());
        assertTrue(verify.out().contains("by alice") && verify.out().contains("ROLLBACK_FAILED")
                && verify.out().contains("valid Ed25519 signature"), verify.out());
        Result report = cutover(auditor, "report", id, "--public-key", "signer.pem");
        assertEquals(0, report.exit(), report.out());
        assertTrue(report.out().contains("| Ticket | CHG-1 |") && report.out().contains("| undo | a | undo.succeeded |"),
                report.out());
        assertTrue(!Files.exists(auditor.resolve(".cutover")), "the auditor needs no state directory");

        Path journal = auditor.resolve(id + "/run/journal.jsonl");
        Files.writeString(journal, Files.readString(journal).replaceFirst("\"alice\"", "\"bob\""));
        Result tampered = cutover(auditor, "verify", id + "/run", "--public-key", "signer.pem");
        assertEquals(1, tampered.exit(), tampered.out());
        assertTrue(tampered.out().contains("TAMPERED") && tampered.out().contains("line 1"), tampered.out());
    }
}
