package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.journal.Journal;
import dev.cutover.journal.JournalEvent;
import dev.cutover.journal.JournalReader;
import dev.cutover.secrets.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The record attacked the way someone with write access to the state directory would: a journal copied into
 * another run's directory, a seal stripped, a journal rewritten and re-chained, a forged line after the seal,
 * undo records and the runbook path rewritten before a rollback.
 */
class EvidenceAttackTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path state() {
        return dir.resolve("state");
    }

    private Path keys(String name) {
        assertEquals(0, CliRun.of("keygen", "--out", dir.resolve(name).toString()).exit());
        return dir.resolve(name);
    }

    /** A runbook whose one mutating step writes into a directory given as a param, undone by removing it. */
    private Path runbook(String name) throws Exception {
        return TraceRunbooks.write(dir, name, TraceRunbooks.header() + "  target: { type: path, required: true }\n"
                + "steps:\n  - id: write\n    uses: shell.exec\n    with:\n"
                + "      command: [sh, -c, 'echo write >> \"$TRACE\"; touch \"$T/written\"']\n"
                + "      env: { TRACE: \"${params.trace}\", T: \"${params.target}\" }\n"
                + "    undo:\n      uses: shell.exec\n      with:\n"
                + "        command: [sh, -c, 'echo undo-" + name + " >> \"$TRACE\"; rm -f \"$T/written\"']\n"
                + "        env: { TRACE: \"${params.trace}\", T: \"${params.target}\" }\n");
    }

    private String run(Path rb, Path target, String... extra) throws Exception {
        Files.createDirectories(target);
        List<String> args = new ArrayList<>(List.of("run", rb.toString(), "--yes", "--output", "json", "--state-dir",
                state().toString(), "--set", "trace=" + dir.resolve("trace"), "--set", "target=" + target,
                "--operator", "alice (CAB chair)"));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.all());
        return JSON.readTree(r.out()).get("run_id").asText();
    }

    private Path journal(String id) {
        return state().resolve("runs").resolve(id).resolve(Journal.FILE_NAME);
    }

    /** Rewrites a journal as a forger would: same run id, edited events, a fresh consistent chain, no seal. */
    private void rechain(String id, java.util.function.UnaryOperator<JournalEvent> edit) throws Exception {
        List<JournalEvent> events = JournalReader.read(journal(id)).events();
        Path forged = dir.resolve("forge").resolve(id);
        try (Journal j = Journal.create(forged, id, events.get(0).operator(), new Masker())) {
            for (JournalEvent e : events) {
                if (e.event().equals("run.sealed")) {
                    continue;
                }
                JournalEvent x = edit.apply(e);
                j.append(x.event(), x.step(), x.section(), x.attempt(), x.data());
            }
        }
        Files.copy(forged.resolve(Journal.FILE_NAME), journal(id), StandardCopyOption.REPLACE_EXISTING);
    }

    private static JournalEvent withData(JournalEvent e, String key, Object value) {
        Map<String, Object> d = new LinkedHashMap<>(e.data());
        d.put(key, value);
        return new JournalEvent(e.seq(), e.time(), e.run(), e.event(), e.step(), e.section(), e.attempt(),
                e.operator(), d, e.prev(), e.hash());
    }

    @Test
    void aJournalCopiedFromAnotherRunFailsVerifyAndTheReportSaysSo() throws Exception {
        Path k = keys("keys");
        String sign = k.resolve("cutover-sign-key.pem").toString();
        String pub = k.resolve("cutover-sign-pub.pem").toString();
        Path rb = runbook("a.yaml");
        String a = run(rb, dir.resolve("ta"), "--sign-key", sign);
        String b = run(rb, dir.resolve("tb"), "--sign-key", sign);
        assertEquals(0, CliRun.of("verify", a, "--state-dir", state().toString(), "--public-key", pub).exit());
        Files.copy(journal(b), journal(a), StandardCopyOption.REPLACE_EXISTING);

        CliRun v = CliRun.of("verify", a, "--state-dir", state().toString(), "--public-key", pub);
        assertEquals(1, v.exit(), v.all());
        assertTrue(v.err().contains("WRONG RUN") && v.err().contains("records run " + b), v.err());
        CliRun byDir = CliRun.of("verify", journal(a).getParent().toString(), "--public-key", pub);
        assertEquals(1, byDir.exit(), byDir.all());
        CliRun report = CliRun.of("report", a, "--state-dir", state().toString(), "--public-key", pub);
        assertEquals(1, report.exit(), report.all());
        assertTrue(report.out().contains("NOT VERIFIED") && report.out().contains("records run " + b), report.out());

        CliRun other = CliRun.of("verify", b, "--state-dir", state().toString(), "--public-key", pub, "--runbook",
                runbook("other.yaml").toString());
        assertEquals(1, other.exit(), other.all());
        assertTrue(other.err().contains("OTHER RUNBOOK"), other.err());
        CliRun same = CliRun.of("verify", b, "--state-dir", state().toString(), "--public-key", pub, "--runbook",
                rb.toString());
        assertEquals(0, same.exit(), same.all());
        assertTrue(same.out().contains("is the runbook that ran"), same.out());
    }

    @Test
    void withoutAKeyVerifyNeverSaysIntactAndAStrippedSealOrARechainedJournalIsNotAuthenticated() throws Exception {
        Path k = keys("keys");
        Path rb = runbook("a.yaml");
        String id = run(rb, dir.resolve("t"), "--sign-key", k.resolve("cutover-sign-key.pem").toString());
        List<String> lines = Files.readAllLines(journal(id));
        Files.writeString(journal(id), String.join("\n", lines.subList(0, lines.size() - 1)) + "\n");
        CliRun stripped = CliRun.of("verify", id, "--state-dir", state().toString());
        assertEquals(0, stripped.exit(), stripped.all());
        assertFalse(stripped.out().contains("intact"), stripped.out());
        assertFalse(stripped.out().contains("run without --sign-key"), stripped.out());
        assertTrue(stripped.out().contains("NOT AUTHENTICATED") && stripped.out().contains("NOT sealed: anyone who "
                + "can write this file could have rewritten it"), stripped.out());
        CliRun trusted = CliRun.withEnv(Map.of("CUTOVER_TRUSTED_KEYS", k.resolve("cutover-sign-pub.pem").toString()),
                "verify", id, "--state-dir", state().toString());
        assertEquals(1, trusted.exit(), "a configured trusted key requires the seal: " + trusted.all());
        assertTrue(trusted.err().contains("seal is missing"), trusted.err());

        rechain(id, e -> e.event().equals("run.started") ? withData(e, "ticket", "CHG-FORGED") : e);
        CliRun forged = CliRun.of("verify", id, "--state-dir", state().toString());
        assertEquals(0, forged.exit(), forged.all());
        assertFalse(forged.out().contains("intact"), forged.out());
        assertTrue(forged.out().contains("NOT AUTHENTICATED"), forged.out());
        CliRun report = CliRun.of("report", id, "--state-dir", state().toString());
        assertFalse(report.out().contains("Verified"), report.out());
        assertTrue(report.out().contains("NOT AUTHENTICATED"), report.out());
        assertTrue(report.err().contains("warning"), report.err());
        assertEquals(1, CliRun.of("verify", id, "--state-dir", state().toString(), "--public-key",
                k.resolve("cutover-sign-pub.pem").toString()).exit());
    }

    @Test
    void aForgedRunFinishedAfterTheSealNeverBecomesTheHeadline() throws Exception {
        Path k = keys("keys");
        String id = run(runbook("a.yaml"), dir.resolve("t"), "--sign-key", k.resolve("cutover-sign-key.pem")
                .toString());
        int sealLine = Files.readAllLines(journal(id)).size();
        try (Journal j = Journal.reopen(journal(id).getParent(), "mallory", new Masker())) {
            j.append("run.finished", null, null, null, Map.of("status", "ROLLBACK_FAILED", "reason", "FORGED REASON",
                    "exit_code", 4));
        }
        for (String format : List.of("md", "html", "json")) {
            CliRun r = CliRun.of("report", id, "--format", format, "--state-dir", state().toString());
            assertEquals(1, r.exit(), r.all());
            assertFalse(r.out().contains("FORGED REASON") || r.out().contains("ROLLBACK_FAILED"), format + r.out());
            assertTrue(r.out().contains("SUCCEEDED"), r.out());
        }
        JsonNode n = JSON.readTree(CliRun.of("report", id, "--format", "json", "--state-dir", state().toString())
                .out());
        assertEquals("SUCCEEDED", n.at("/run/status").asText());
        assertEquals(sealLine, n.at("/verification/events").asInt(), "the lines up to and including the seal");
        assertEquals(sealLine + 1, n.at("/verification/bad_line").asInt());
        assertTrue(n.at("/verification/text").asText().contains("Only the " + sealLine + " lines before it"),
                n.at("/verification/text").asText());
    }

    @Test
    void rollbackRefusesARewrittenJournalAndNeverRunsAnotherRunbook() throws Exception {
        Path k = keys("keys");
        String pub = k.resolve("cutover-sign-pub.pem").toString();
        Path rb = runbook("a.yaml");
        Path evil = runbook("evil.yaml");
        Path target = dir.resolve("t");
        String id = run(rb, target, "--sign-key", k.resolve("cutover-sign-key.pem").toString());
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Files.writeString(victim.resolve("written"), "precious");
        String evilSha = dev.cutover.journal.Canonical.sha256(Files.readAllBytes(evil));
        rechain(id, e -> {
            if (!e.event().equals("run.started")) {
                return e;
            }
            Map<String, Object> params = new LinkedHashMap<>(e.data().get("params") instanceof Map<?, ?> m
                    ? m.entrySet().stream().collect(java.util.stream.Collectors.toMap(x -> (String) x.getKey(),
                    x -> (Object) x.getValue())) : Map.of());
            params.put("target", victim.toString());
            return withData(withData(withData(e, "params", params), "runbook_file", evil.toString()),
                    "runbook_sha256", evilSha);
        });
        // a thorough forger rewrites the run directory's copy of the runbook too
        Files.copy(evil, journal(id).resolveSibling("runbook.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> env = Map.of("CUTOVER_TRUSTED_KEYS", pub);
        CliRun refused = CliRun.withEnv(env, "rollback", id, "--reason", "r", "--yes", "--state-dir",
                state().toString());
        assertEquals(5, refused.exit(), refused.all());
        assertTrue(refused.err().contains("not sealed") && refused.err().contains("--trust-unsealed"), refused.err());
        CliRun noKeys = CliRun.of("rollback", id, "--reason", "r", "--yes", "--state-dir", state().toString());
        assertEquals(2, noKeys.exit(), noKeys.all());
        assertTrue(noKeys.err().contains("--runbook FILE") && noKeys.err().contains("does not take a path"),
                noKeys.err());
        CliRun named = CliRun.of("rollback", id, "--runbook", rb.toString(), "--reason", "r", "--yes", "--state-dir",
                state().toString());
        assertEquals(5, named.exit(), named.all());
        assertTrue(named.err().contains("runbook file changed"), named.err());
        assertEquals("precious", Files.readString(victim.resolve("written")), "nothing ran against the victim");
        assertEquals(List.of("write"), TraceRunbooks.trace(dir.resolve("trace")), "no undo ran at all");

        Path edited = journal(id);
        Files.writeString(edited, Files.readString(edited).replace(victim.toString(), target.toString()));
        CliRun broken = CliRun.of("rollback", id, "--runbook", rb.toString(), "--reason", "r", "--yes",
                "--state-dir", state().toString());
        assertEquals(5, broken.exit(), broken.all());
        assertTrue(broken.err().contains("cannot be trusted"), broken.err());
    }

    @Test
    void rollbackActsOnASealedRunWithATrustedKeyAndRefusesABadSealOrAnotherRunsJournal() throws Exception {
        Path k = keys("keys");
        Path mallory = keys("mallory");
        String sign = k.resolve("cutover-sign-key.pem").toString();
        Map<String, String> env = Map.of("CUTOVER_TRUSTED_KEYS", k.resolve("cutover-sign-pub.pem").toString());
        Path rb = runbook("a.yaml");
        String a = run(rb, dir.resolve("ta"), "--sign-key", sign);
        String b = run(rb, dir.resolve("tb"), "--sign-key", sign);
        String c = run(rb, dir.resolve("tc"), "--sign-key", sign);

        Path saved = dir.resolve("a.jsonl");
        Files.copy(journal(a), saved);
        Files.copy(journal(b), journal(a), StandardCopyOption.REPLACE_EXISTING);
        CliRun wrongRun = CliRun.withEnv(env, "rollback", a, "--reason", "r", "--yes", "--state-dir",
                state().toString());
        assertEquals(5, wrongRun.exit(), wrongRun.all());
        assertTrue(wrongRun.err().contains("records run " + b), wrongRun.err());
        Files.copy(saved, journal(a), StandardCopyOption.REPLACE_EXISTING);

        rechain(c, e -> e);
        dev.cutover.journal.Seal.append(journal(c).getParent(), dev.cutover.journal.SealKeys.readPrivate(
                mallory.resolve("cutover-sign-key.pem")), new Masker());
        CliRun badSeal = CliRun.withEnv(env, "rollback", c, "--runbook", rb.toString(), "--reason", "r", "--yes",
                "--state-dir", state().toString());
        assertEquals(5, badSeal.exit(), badSeal.all());
        assertTrue(badSeal.err().contains("sealed by another key"), badSeal.err());
        assertEquals(List.of("write", "write", "write"), TraceRunbooks.trace(dir.resolve("trace")));

        // b and c ran the same runbook after a: rolling a back under them needs --force (and says so)
        CliRun ok = CliRun.withEnv(env, "rollback", a, "--reason", "found errors", "--force", "--yes", "--state-dir",
                state().toString(), "--sign-key", sign);
        assertEquals(1, ok.exit(), "a sealed, trusted record needs no --runbook: " + ok.all());
        assertEquals("undo-a.yaml", TraceRunbooks.trace(dir.resolve("trace")).get(3));
    }

    @Test
    void trustingAnUnsealedJournalIsADecisionThatIsRecorded() throws Exception {
        Path k = keys("keys");
        Map<String, String> env = Map.of("CUTOVER_TRUSTED_KEYS", k.resolve("cutover-sign-pub.pem").toString());
        Path rb = runbook("a.yaml");
        String id = run(rb, dir.resolve("t"));
        CliRun ok = CliRun.withEnv(env, "rollback", id, "--runbook", rb.toString(), "--trust-unsealed",
                "checked against CHG-9 by hand", "--reason", "bad", "--yes", "--state-dir", state().toString(),
                "--output", "json");
        assertEquals(1, ok.exit(), ok.all());
        String rollbackRun = JSON.readTree(ok.out()).get("run_id").asText();
        JournalEvent started = JournalReader.read(journal(rollbackRun)).events().get(0);
        assertTrue(started.dataString("reason").contains("checked against CHG-9 by hand")
                && started.dataString("reason").contains("trusted anyway by OS user " + System.getProperty("user.name")),
                started.dataString("reason"));
    }

    @Test
    void theOsUserIsRecordedBesideTheOperatorAndShownByReportAndRuns() throws Exception {
        String id = run(runbook("a.yaml"), dir.resolve("t"));
        JournalEvent started = JournalReader.read(journal(id)).events().get(0);
        assertEquals(System.getProperty("user.name"), started.dataString("os_user"));
        assertTrue(started.dataString("os_uid").matches("\\d+"), started.data().toString());
        assertEquals("alice (CAB chair)", started.operator());
        CliRun report = CliRun.of("report", id, "--state-dir", state().toString());
        assertTrue(report.out().contains("OS user " + System.getProperty("user.name")), report.out());
        CliRun runs = CliRun.of("runs", "--state-dir", state().toString());
        assertTrue(runs.out().contains("alice (CAB chair) (OS user " + System.getProperty("user.name")), runs.out());
    }

    @Test
    void reportsExportsAndSigningKeysArePrivate() throws Exception {
        String id = run(runbook("a.yaml"), dir.resolve("t"));
        Path out = dir.resolve("reports").resolve("r.html");
        assertEquals(0, CliRun.of("report", id, "--format", "html", "--out", out.toString(), "--state-dir",
                state().toString()).exit());
        assertEquals("rw-------", mode(out));
        assertEquals("rwx------", mode(out.getParent()));
        Path zip = dir.resolve("e.zip");
        assertEquals(0, CliRun.of("export", id, "--out", zip.toString(), "--state-dir", state().toString()).exit());
        assertEquals("rw-------", mode(zip));
        assertEquals("rwx------", mode(journal(id).getParent()));
        assertEquals("rw-------", mode(journal(id)));

        Path k = keys("keys");
        Path key = k.resolve("cutover-sign-key.pem");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        CliRun r = CliRun.of("run", runbook("b.yaml").toString(), "--yes", "--state-dir", state().toString(), "--set",
                "trace=" + dir.resolve("trace2"), "--set", "target=" + dir.resolve("t"), "--sign-key", key.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("chmod 600 " + key), r.err());
        assertFalse(Files.exists(dir.resolve("trace2")), "nothing ran");
    }

    /** Runs cutover in a process of its own under umask 000, so its run's process is gone afterwards. */
    private Process ownProcess(String... args) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        StringBuilder cmd = new StringBuilder("umask 000; exec \"$0\" -cp \"$1\" dev.cutover.cli.CutoverCli");
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "", javaBin, System.getProperty("java.class.path")));
        for (int i = 0; i < args.length; i++) {
            cmd.append(" \"${").append(i + 2).append("}\"");
            argv.add(args[i]);
        }
        argv.set(2, cmd.toString());
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve("own.log").toFile())
                .start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "cutover did not finish");
        return p;
    }

    @Test
    void aRunInItsOwnProcessUnderUmask000IsPrivateAndItsJournalCutAtALineBoundaryIsIncomplete() throws Exception {
        Path target = Files.createDirectories(dir.resolve("t"));
        Process p = ownProcess("run", runbook("a.yaml").toString(), "--yes", "--state-dir", state().toString(), "--set",
                "trace=" + dir.resolve("trace"), "--set", "target=" + target);
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("own.log")));
        Path runDir;
        try (Stream<Path> runs = Files.list(state().resolve("runs"))) {
            runDir = runs.filter(d -> Files.exists(d.resolve(Journal.FILE_NAME))).findFirst().orElseThrow();
        }
        String id = runDir.getFileName().toString();
        assertEquals("rwx------", mode(runDir), "whatever the umask");
        assertEquals("rw-------", mode(journal(id)));
        assertEquals(0, CliRun.of("verify", id, "--state-dir", state().toString()).exit());

        List<String> lines = Files.readAllLines(journal(id));
        Files.writeString(journal(id), String.join("\n", lines.subList(0, lines.size() - 2)) + "\n");
        CliRun cut = CliRun.of("verify", id, "--state-dir", state().toString());
        assertEquals(1, cut.exit(), "a cut tail is exit 1, as the README promises: " + cut.all());
        assertTrue(cut.err().contains("INCOMPLETE") && cut.err().contains("not run.finished")
                && cut.err().contains("is not running here"), cut.err());
        CliRun report = CliRun.of("report", id, "--state-dir", state().toString());
        assertEquals(1, report.exit(), report.all());
        assertFalse(report.out().contains("Verified"), report.out());
    }

    private static String mode(Path p) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    static List<Path> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.toList();
        }
    }
}
