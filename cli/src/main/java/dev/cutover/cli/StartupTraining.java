package dev.cutover.cli;

import dev.cutover.ssh.EmbeddedSshServer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The work the launcher ({@code ./cutover}) records once per jar and JDK for its start-up cache (an
 * ahead-of-time cache on JDK 24+, a class-data archive on older ones): what a start-up of a real command
 * loads. It validates the runbook it is given, then runs a two-step fleet runbook over SSH against a host
 * embedded in this JVM on loopback (the SSH client, its key exchange and ciphers, the command shell, the
 * journal and the console: what a fleet run spends most of its first second loading). Everything it writes
 * is in a temporary directory, removed at the end; nothing is printed. Not a command of the CLI: started as
 * {@code java -cp cutover.jar dev.cutover.cli.StartupTraining RUNBOOK}.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws Exception {
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        Path dir = Files.createTempDirectory("cutover-training-");
        int code;
        try {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("CUTOVER_STATE_DIR", dir.resolve("state").toString());
            env.put("CUTOVER_LOCK_DIR", dir.resolve("locks").toString());
            env.put("NO_COLOR", "1");
            env.put("CUTOVER_STATE", "local"); // never a team store, nor the user's config and its webhooks
            env.put("CUTOVER_CONFIG", dir.resolve("no-config.yaml").toString());
            if (args.length > 0) {
                CutoverCli.execute(env, quiet, quiet, "validate", args[0], "--env", "local");
            }
            code = fleetRun(dir, env, quiet);
        } finally {
            delete(dir);
        }
        System.exit(code);
    }

    private static int fleetRun(Path dir, Map<String, String> env, PrintWriter quiet) throws IOException {
        Path key = dir.resolve("id_ed25519");
        Path known = dir.resolve("known_hosts");
        try (EmbeddedSshServer host = EmbeddedSshServer.start("training", dir.resolve("sshd"))) {
            host.authorize(EmbeddedSshServer.writeClientKey(key, "ssh-ed25519").getPublic());
            Files.writeString(known, host.knownHostsLine() + "\n");
            Path environment = dir.resolve("environment.yaml");
            Files.writeString(environment, "inventory:\n  ssh: { forks: 2, known_hosts: \"" + known + "\" }\n"
                    + "  hosts:\n    training: { address: 127.0.0.1, port: " + host.port() + ", user: \""
                    + System.getProperty("user.name") + "\", identity: \"" + key + "\" }\n");
            Path runbook = dir.resolve("training.yaml");
            Files.writeString(runbook, "apiVersion: cutover/v1\nname: startup-training\nsteps:\n"
                    + "  - hosts: all\n    id: fleet\n    rolling: { batch: 1 }\n    steps:\n"
                    + "      - id: one\n        uses: shell.exec\n        with: { command: [/bin/true] }\n"
                    + "        no_undo: \"training: nothing to undo\"\n"
                    + "      - id: two\n        uses: shell.exec\n        with: { command: [/bin/true] }\n"
                    + "        no_undo: \"training: nothing to undo\"\n");
            return CutoverCli.execute(env, quiet, quiet, "run", runbook.toString(), "--env-file",
                    environment.toString(), "--yes", "--no-color");
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
