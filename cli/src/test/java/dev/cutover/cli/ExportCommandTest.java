package dev.cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportCommandTest {
    @TempDir
    Path dir;

    private static TreeMap<String, byte[]> unzip(Path zip, Path into) throws Exception {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                byte[] bytes = z.readAllBytes();
                entries.put(e.getName(), bytes);
                Path f = into.resolve(e.getName());
                Files.createDirectories(f.getParent());
                Files.write(f, bytes);
            }
        }
        return entries;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void anAuditorWithOnlyTheZipAndThePublicKeyCanVerifyTheRunAndReadItsTimeline() throws Exception {
        assertEquals(0, CliRun.of("keygen", "--out", dir.resolve("keys").toString()).exit());
        Path state = dir.resolve("state");
        String id = ReportCommandTest.run(dir, state, ReportCommandTest.runbook(0, 1), 4, "--sign-key",
                dir.resolve("keys/cutover-sign-key.pem").toString());
        Path runDir = state.resolve("runs").resolve(id);
        Files.createDirectories(runDir.resolve("backups/import-ca"));
        Files.writeString(runDir.resolve("backups/import-ca/server.key"), "-----BEGIN PRIVATE KEY----- not for auditors");
        Path zip = dir.resolve("out/evidence.zip");
        CliRun ex = CliRun.of("export", id, "--out", zip.toString(), "--state-dir", state.toString(), "--public-key",
                dir.resolve("keys/cutover-sign-pub.pem").toString());
        assertEquals(0, ex.exit(), ex.all());
        assertTrue(ex.out().contains("not included: 1 backup file(s)"), ex.out());

        Path auditor = dir.resolve("auditor");
        TreeMap<String, byte[]> entries = unzip(zip, auditor);
        assertEquals(List.of(id + "/README.txt", id + "/SHA256SUMS", id + "/report.html", id + "/report.json",
                id + "/report.md", id + "/run/journal.jsonl", id + "/run/runbook.yaml", id + "/runbook/rb-4.yaml"),
                new ArrayList<>(entries.keySet()));
        for (byte[] bytes : entries.values()) {
            assertFalse(new String(bytes, StandardCharsets.UTF_8).contains(ReportCommandTest.CANARY));
            assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("not for auditors"));
        }
        String sums = new String(entries.get(id + "/SHA256SUMS"), StandardCharsets.UTF_8);
        int checked = 0;
        for (String line : sums.split("\n")) {
            if (!line.startsWith("#")) {
                String[] p = line.split("  ", 2);
                assertEquals(p[0], sha256(entries.get(id + "/" + p[1])), p[1]);
                checked++;
            }
        }
        assertEquals(7, checked);
        assertTrue(sums.contains("# " + sha256("-----BEGIN PRIVATE KEY----- not for auditors"
                .getBytes(StandardCharsets.UTF_8)) + "  run/backups/import-ca/server.key"), sums);
        String journalStart = new String(entries.get(id + "/run/journal.jsonl"), StandardCharsets.UTF_8).split("\n")[0];
        assertTrue(journalStart.contains(sha256(entries.get(id + "/runbook/rb-4.yaml"))),
                "the runbook in the zip is the one the journal names");

        Path empty = dir.resolve("no-state");
        CliRun verify = CliRun.of("verify", auditor.resolve(id + "/run").toString(), "--public-key",
                dir.resolve("keys/cutover-sign-pub.pem").toString(), "--state-dir", empty.toString());
        assertEquals(0, verify.exit(), verify.all());
        assertTrue(verify.out().contains("final status ROLLBACK_FAILED"), verify.out());
        assertFalse(Files.exists(empty), "verification needs no state directory");
        String html = new String(entries.get(id + "/report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("<svg id=\"timeline\"") && html.contains("valid Ed25519 signature"), html);
        assertFalse(html.contains("http://") && html.contains("src=\"http"), "no external assets");

        Path journal = auditor.resolve(id + "/run/journal.jsonl");
        Files.writeString(journal, Files.readString(journal).replace("ROLLBACK_FAILED", "ROLLED_BACK"));
        CliRun tampered = CliRun.of("verify", journal.toString(), "--public-key",
                dir.resolve("keys/cutover-sign-pub.pem").toString());
        assertEquals(1, tampered.exit());
    }

    @Test
    void backupsAreIncludedOnlyWhenAskedAndAChangedRunbookIsLeftOut() throws Exception {
        Path state = dir.resolve("state");
        String id = ReportCommandTest.run(dir, state, ReportCommandTest.runbook(0, 0), 0);
        Path runDir = state.resolve("runs").resolve(id);
        Files.createDirectories(runDir.resolve("backups/a"));
        Files.writeString(runDir.resolve("backups/a/store.p12"), "backup");
        Files.writeString(dir.resolve("rb-0.yaml"), Files.readString(dir.resolve("rb-0.yaml")) + "# edited later\n");
        Path zip = dir.resolve("e.zip");
        CliRun ex = CliRun.of("export", runDir.toString(), "--out", zip.toString(), "--include-backups");
        assertEquals(0, ex.exit(), ex.all());
        assertTrue(ex.out().contains("changed since the run"), ex.out());
        TreeMap<String, byte[]> entries = unzip(zip, dir.resolve("x"));
        assertTrue(entries.containsKey(id + "/run/backups/a/store.p12"), entries.keySet().toString());
        assertFalse(entries.keySet().stream().anyMatch(k -> k.contains("/runbook/")), entries.keySet().toString());
        assertEquals(2, CliRun.of("export", "nope", "--out", zip.toString(), "--state-dir", state.toString()).exit());
    }
}
