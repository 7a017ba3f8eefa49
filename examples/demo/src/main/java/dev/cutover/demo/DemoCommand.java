package dev.cutover.demo;

import dev.cutover.cli.CutoverCli;
import dev.cutover.journal.Journal;
import dev.cutover.report.TextTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code cutover demo}: the incident cutover exists for, on this machine. Starts a real PostgreSQL
 * with TLS (standing in for RDS) and a real Java payment service, then runs the flagship RDS CA
 * rotation runbook three times: a clean rotation, the incident (the app reads another truststore),
 * and a change whose validation fails and rolls back by itself.
 *
 * <p>It is its own artifact ({@code examples/demo/target/cutover-demo.jar}, started by the launcher's
 * {@code ./cutover demo}) so that the product jar carries no PostgreSQL; it runs cutover's commands
 * through {@link CutoverCli#execute(Map, PrintWriter, PrintWriter, String...)}, with the environment's
 * secrets added to the environment variables those commands see.
 */
@Command(name = "cutover demo", mixinStandardHelpOptions = true,
        description = "Start an embedded PostgreSQL with TLS and a payment service, then run the RDS CA rotation "
                + "runbook: a clean rotation (SUCCEEDED), the incident (PREFLIGHT_FAILED, nothing changed) and a "
                + "failed validation (ROLLED_BACK, healthy again); then the trust-and-restart part on three "
                + "payment-service hosts over SSH with a canary (SUCCEEDED; the canary failing its health check: "
                + "ROLLED_BACK on the canary only). Exit 0 only if all five behave.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the demo's runs are kept (default: $CUTOVER_STATE_DIR, else ./.cutover).")
    Path stateDir;

    @Option(names = "--keep", description = "Leave the environment running and print how to run the runbook by hand.")
    boolean keep;

    @Spec
    CommandSpec spec;

    /** One scenario's result, for the table. */
    record Row(String name, String expected, String got, long ms, String runId, String journal, boolean ok,
               String proof) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("cutover-demo-");
        out.println("Starting the demo environment in " + work + " (PostgreSQL with TLS from an old CA, and the "
                + "payment service on JDBC verify-full) ...");
        out.flush();
        DemoEnvironment env;
        try {
            env = DemoEnvironment.start(work.resolve("env"));
        } catch (DemoException e) {
            spec.commandLine().getErr().println("cutover demo: could not start the environment: " + e.getMessage());
            return 1;
        }
        if (!keep) {
            env.closeOnJvmExit();
        }
        Path runbook = env.workDir().resolve("rds-ca-rotation.yaml");
        try (InputStream in = DemoCommand.class.getResourceAsStream("runbooks/rds-ca-rotation.yaml")) {
            Files.copy(in, runbook);
        }
        Path state = stateDirectory();
        List<Row> rows = new ArrayList<>();
        Path baseline = env.workDir().resolve("baselines/local.yaml");
        try {
            banner("0. Record the expected state of the environment (a drift baseline, as you would commit it)");
            cli(env, "drift", runbook.toString(), "--env", "local", "--baseline", baseline.toString(), "--save",
                    "--state-dir", state.toString());
            rows.add(cleanRotation(env, runbook, state));
            env.reset();
            rows.add(incident(env, runbook, state, baseline));
            env.reset();
            rows.add(failedValidation(env, runbook, state));
            env.reset();
            rows.add(fleet(env, work.resolve("fleet-ok"), state, false));
            rows.add(fleet(env, work.resolve("fleet-canary-fails"), state, true));
        } catch (DemoException e) {
            spec.commandLine().getErr().println("cutover demo: " + e.getMessage());
            rows.add(new Row("environment", "-", "ERROR", 0, "-", "-", false, e.getMessage()));
        }
        printTable(out, rows);
        out.println();
        out.println("The journals stay in " + state + ": './cutover runs' lists them, './cutover verify RUN' "
                + "checks one.");
        if (keep) {
            out.println();
            out.println("The environment is still running. Run the runbook by hand:");
            out.println("  source " + env.secretsEnvFile());
            out.println("  ./cutover plan " + runbook + " --env local");
            out.println("  ./cutover run  " + runbook + " --env local --yes");
            out.println("  ./cutover runs");
            out.println("Stop it with: " + env.stopCommand());
        } else {
            try {
                env.close();
            } catch (DemoException e) {
                spec.commandLine().getErr().println("cutover demo: cleanup: " + e.getMessage());
            }
            DemoFiles.deleteTree(work);
        }
        out.flush();
        return rows.size() == 5 && rows.stream().allMatch(Row::ok) ? 0 : 1;
    }

    private Row cleanRotation(DemoEnvironment env, Path runbook, Path state) throws DemoException {
        banner("1. Clean rotation: trust the new CA, restart the app, rotate the database certificate");
        Outcome o = run(env, runbook, state, "local", "DEMO-1");
        AppHealth h = env.appHealth();
        String issuer = h.serverCertIssuer().orElse("?");
        boolean ok = o.exit == 0 && h.up() && issuer.contains("G1");
        return new Row("1 clean rotation", "SUCCEEDED", o.status, o.ms, o.runId, o.journal, ok,
                "app " + (h.up() ? "healthy" : "DOWN") + ", DB cert issued by " + cn(issuer));
    }

    private Row incident(DemoEnvironment env, Path runbook, Path state, Path baseline)
            throws DemoException, InterruptedException {
        banner("2. The incident: production's app reads a different truststore than the environment file says");
        env.simulateIncident();
        StateFingerprint before = env.stateFingerprint();
        spec.commandLine().getOut().println("-- first, compare the environment with its baseline (cutover drift):");
        int drift = cli(env, "drift", runbook.toString(), "--env", "local", "--baseline", baseline.toString(),
                "--state-dir", state.toString());
        spec.commandLine().getOut().println("-- then try the change anyway (cutover run):");
        Outcome o = run(env, runbook, state, "local", "DEMO-2");
        StateFingerprint after = env.stateFingerprint();
        boolean unchanged = before.equals(after);
        boolean ok = o.exit == 3 && unchanged && drift == 1;
        return new Row("2 the incident", "PREFLIGHT_FAILED", o.status, o.ms, o.runId, o.journal, ok,
                (drift == 1 ? "drift flagged it before the run; " : "drift did NOT flag it; ")
                        + (unchanged ? "nothing changed (DB cert and stores hash the same)" : "STATE CHANGED"));
    }

    /** Runs another cutover command in this JVM with the environment's secrets, printing to the console. */
    private int cli(DemoEnvironment env, String... args) {
        PrintWriter live = spec.commandLine().getOut();
        return CutoverCli.execute(environment(env), live, new PrintWriter(live, true), args);
    }

    /** The process's environment variables plus the secrets the runbook reads with env:. */
    private static Map<String, String> environment(DemoEnvironment env) {
        Map<String, String> vars = new HashMap<>(System.getenv());
        vars.putAll(env.secretEnv());
        return vars;
    }

    private Path stateDirectory() {
        if (stateDir != null) {
            return stateDir.toAbsolutePath();
        }
        String env = System.getenv("CUTOVER_STATE_DIR");
        return (env != null && !env.isBlank() ? Path.of(env) : Path.of(".cutover")).toAbsolutePath();
    }

    private Row failedValidation(DemoEnvironment env, Path runbook, Path state) throws DemoException {
        banner("3. Validation fails after the change (the target bundle does not sign the new DB certificate)");
        StateFingerprint before = env.stateFingerprint();
        Outcome o = run(env, runbook, state, "local-wrong-bundle", "DEMO-3");
        StateFingerprint after = env.stateFingerprint();
        AppHealth h = env.appHealth();
        String issuer = h.serverCertIssuer().orElse("?");
        boolean restored = before.dbServerCertSha256().equals(after.dbServerCertSha256())
                && before.truststoreSha256().equals(after.truststoreSha256());
        boolean ok = o.exit == 1 && h.up() && restored && !issuer.contains("G1");
        return new Row("3 failed validation", "ROLLED_BACK", o.status, o.ms, o.runId, o.journal, ok,
                "app " + (h.up() ? "healthy" : "DOWN") + " on " + cn(issuer) + (restored ? ", store and DB cert "
                        + "restored byte for byte" : ", NOT RESTORED"));
    }

    /**
     * The trust-and-restart part on three payment-service hosts (embedded SSH servers), canary first: every host
     * changed and restarted; or, with the canary unhealthy, the canary rolled back byte for byte and the other two
     * never touched.
     */
    private Row fleet(DemoEnvironment env, Path dir, Path state, boolean canaryFails) throws DemoException {
        banner(canaryFails ? "5. Fleet: the canary fails its health check (only the canary is rolled back)"
                : "4. Fleet: trust the new CA and restart on three payment-service hosts over SSH, canary first");
        String name = canaryFails ? "5 fleet canary fails" : "4 fleet rollout";
        String expected = canaryFails ? "ROLLED_BACK" : "SUCCEEDED";
        try (FleetScenario f = FleetScenario.start(dir, env.truststore(), canaryFails)) {
            List<String> before = new ArrayList<>();
            for (int i = 1; i <= FleetScenario.HOSTS; i++) {
                before.add(f.storeSha256(i));
            }
            Outcome o = run(env, state, "DEMO-" + (canaryFails ? 5 : 4), f.runbook().toString(), "--env-file",
                    f.environment().toString(), "--set", "ca_bundle=" + env.newCaBundle());
            int changed = 0;
            int untouched = 0;
            for (int i = 1; i <= FleetScenario.HOSTS; i++) {
                boolean same = before.get(i - 1).equals(f.storeSha256(i));
                changed += !same && f.restarts(i).equals(List.of("restarted")) ? 1 : 0;
                untouched += same && f.restarts(i).isEmpty() ? 1 : 0;
            }
            boolean canaryRestored = before.get(0).equals(f.storeSha256(1))
                    && f.restarts(1).equals(List.of("restarted", "restarted-after-rollback"));
            boolean ok = canaryFails ? o.exit == 1 && canaryRestored && untouched == 2 : o.exit == 0 && changed == 3;
            String proof = canaryFails
                    ? "payment-1 " + (canaryRestored ? "rolled back (store byte for byte, app restarted)" : "NOT RESTORED")
                    + "; " + untouched + " of 2 others never touched"
                    : changed + " of 3 hosts trust the new CA and were restarted";
            return new Row(name, expected, o.status, o.ms, o.runId, o.journal, ok, proof);
        } catch (IOException e) {
            throw new DemoException("the fleet scenario could not start its SSH hosts: " + e.getMessage(), e);
        }
    }

    private record Outcome(int exit, String status, long ms, String runId, String journal) {
    }

    private Outcome run(DemoEnvironment env, Path runbook, Path state, String envName, String ticket) {
        return run(env, state, ticket, runbook.toString(), "--env", envName);
    }

    private Outcome run(DemoEnvironment env, Path state, String ticket, String... runArgs) {
        Set<Path> before = runs(state);
        PrintWriter live = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(runArgs));
        args.addAll(List.of("--yes", "--state-dir", state.toString(), "--operator", "demo", "--ticket", ticket));
        int code = CutoverCli.execute(environment(env), live, new PrintWriter(live, true), args.toArray(String[]::new));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // the run this invocation journaled: the one run directory that was not there before
        List<Path> created = runs(state).stream().filter(p -> !before.contains(p)).toList();
        if (created.size() != 1) {
            return new Outcome(code, status(code), ms, "-", "-");
        }
        Path dir = created.get(0);
        return new Outcome(code, status(code), ms, dir.getFileName().toString(),
                dir.resolve(Journal.FILE_NAME).toString());
    }

    private static Set<Path> runs(Path state) {
        Path runs = state.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(runs)) {
            return new HashSet<>(s.filter(Files::isDirectory).toList());
        } catch (IOException e) {
            return Set.of();
        }
    }

    private void banner(String text) {
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println("== " + text);
        out.flush();
    }

    private static String cn(String dn) {
        int i = dn.indexOf("CN=");
        if (i < 0) {
            return dn;
        }
        int end = dn.indexOf(',', i);
        return dn.substring(i + 3, end < 0 ? dn.length() : end);
    }

    private static void printTable(PrintWriter out, List<Row> rows) {
        out.println();
        TextTable table = TextTable.of("SCENARIO", "EXPECTED", "GOT", "TIME", "RUN", "OK").right(3);
        for (Row r : rows) {
            table.row(r.name(), r.expected(), r.got(), String.format(java.util.Locale.ROOT, "%.1fs", r.ms() / 1000.0),
                    r.runId(), r.ok() ? "yes" : "NO").note(r.proof()).note("journal: " + r.journal());
        }
        table.lines().forEach(out::println);
    }

    private static String status(int code) {
        return switch (code) {
            case 0 -> "SUCCEEDED";
            case 1 -> "ROLLED_BACK";
            case 2 -> "INVALID";
            case 3 -> "PREFLIGHT_FAILED";
            case 4 -> "ROLLBACK_FAILED";
            case 5 -> "REFUSED";
            default -> "EXIT " + code;
        };
    }

}
