package dev.cutover.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code cutover demo}: runs a bundled runbook end to end, once cleanly and once through an automatic rollback. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the bundled example runbook in a temporary directory: a clean change, then a change whose "
                + "validation fails and rolls back by itself. Exit 0 when both behave as expected.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--keep", description = "Keep the temporary directory and print how to run the runbook by hand.")
    boolean keep;

    @Spec
    CommandSpec spec;

    record Scenario(String name, String expected, int expectedExit, String newVersion) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("cutover-demo-");
        Path runbook = dir.resolve("config-change.yaml");
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo/config-change.yaml")) {
            Files.copy(in, runbook);
        }
        Path state = dir.resolve(".cutover");
        List<Scenario> scenarios = List.of(
                new Scenario("clean change to version 2", "SUCCEEDED", 0, "2"),
                new Scenario("version 3 fails validation", "ROLLED_BACK", 1, "3"));
        List<String[]> rows = new ArrayList<>();
        boolean allOk = true;
        for (Scenario s : scenarios) {
            Path work = Files.createDirectories(dir.resolve("app-" + rows.size()));
            Files.writeString(work.resolve("app.conf"), "version=1\n");
            out.println();
            out.println("== " + s.name() + " (expect " + s.expected() + ")");
            out.flush();
            long t0 = System.nanoTime();
            int code = CutoverCli.execute(out, spec.commandLine().getErr(), "run", runbook.toString(), "--yes",
                    "--state-dir", state.toString(), "--set", "workdir=" + work, "--set", "new_version=" + s.newVersion(),
                    "--operator", "demo", "--no-color");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String conf = Files.readString(work.resolve("app.conf"), StandardCharsets.UTF_8).trim();
            boolean ok = code == s.expectedExit() && conf.equals(code == 0 ? "version=" + s.newVersion() : "version=1");
            allOk &= ok;
            rows.add(new String[] {s.name(), s.expected(), statusOf(code), ms + " ms", conf, ok ? "yes" : "NO"});
        }
        out.println();
        out.printf("%-30s %-12s %-12s %9s  %-12s %s%n", "SCENARIO", "EXPECTED", "GOT", "TIME", "CONFIG AFTER", "OK");
        for (String[] r : rows) {
            out.printf("%-30s %-12s %-12s %9s  %-12s %s%n", (Object[]) r);
        }
        StringWriter verify = new StringWriter();
        CutoverCli.execute(new PrintWriter(verify), new PrintWriter(verify), "runs", "--state-dir", state.toString());
        out.println();
        out.println("Runs recorded (verify any with: cutover verify RUN --state-dir " + state + "):");
        out.print(verify);
        if (keep) {
            out.println();
            out.println("Kept " + dir + ". Try:");
            out.println("  ./cutover plan " + runbook + " --set workdir=" + dir.resolve("app-0"));
            out.println("  ./cutover run  " + runbook + " --set workdir=" + dir.resolve("app-0") + " --set new_version=3 --yes");
        } else {
            delete(dir);
        }
        out.flush();
        return allOk ? 0 : 1;
    }

    private static String statusOf(int code) {
        return switch (code) {
            case 0 -> "SUCCEEDED";
            case 1 -> "ROLLED_BACK";
            case 2 -> "INVALID";
            case 3 -> "PREFLIGHT_FAILED";
            case 4 -> "ROLLBACK_FAILED";
            default -> "EXIT " + code;
        };
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
