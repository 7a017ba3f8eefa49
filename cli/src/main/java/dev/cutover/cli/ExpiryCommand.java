package dev.cutover.cli;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.spi.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cutover expiry}: lists the certificates of stores, bundles and RDS instances that expire soon. */
@Command(name = "expiry", mixinStandardHelpOptions = true,
        description = {"List the certificates that expire within the window (already-expired ones included), soonest "
                + "first: where, subject, not_after, days left. For cron and monitoring: --output json, or "
                + "--output prometheus (text exposition format, every certificate's expiry as a gauge).",
                "Exit 0 when none expires within the window, 1 when some do, 2 when a source cannot be read or an "
                        + "option is wrong."})
final class ExpiryCommand implements Callable<Integer> {
    @Option(names = "--store", paramLabel = "FILE",
            description = "A JKS, JCEKS or PKCS12 store, or a PEM file (repeat).")
    List<Path> stores = new ArrayList<>();

    @Option(names = "--bundle", paramLabel = "FILE", description = "A PEM (any number of certificates), DER or "
            + "PKCS#7 file (repeat).")
    List<Path> bundles = new ArrayList<>();

    @Option(names = "--rds-instance", paramLabel = "ID", description = "An RDS DB instance whose server certificate "
            + "to check, read with the aws.rds.describe step type (repeat; give --region).")
    List<String> rdsInstances = new ArrayList<>();

    @Option(names = "--region", paramLabel = "REGION", description = "The AWS region of the --rds-instance(s) "
            + "(one, or one per instance).")
    List<String> regions = new ArrayList<>();

    @Option(names = "--aws-profile", paramLabel = "NAME", description = "The AWS profile for --rds-instance "
            + "(default: the SDK's default credentials chain).")
    String awsProfile;

    @Option(names = "--aws-endpoint", paramLabel = "URL", description = "An RDS endpoint URL override, e.g. a VPC "
            + "interface endpoint.")
    String awsEndpoint;

    @Option(names = "--within", paramLabel = "DURATION", defaultValue = "30d",
            description = "The window, e.g. 30d, 90d, 12h (default: ${DEFAULT-VALUE}).")
    String within;

    @Option(names = "--ignore-expired", description = "Leave out certificates that have already expired "
            + "(the AWS RDS global bundle still carries the expired 2019 generation).")
    boolean ignoreExpired;

    @Option(names = "--password-env", paramLabel = "VAR", description = "The environment variable holding the "
            + "store password (PKCS12 stores need it; never give a password on the command line).")
    String passwordEnv;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String format = global.output == null ? "text" : global.output.toLowerCase(java.util.Locale.ROOT);
        if (!List.of("text", "json", "prometheus").contains(format)) {
            throw new ExitException.InvalidInput(
                    "cutover expiry: --output must be text, json or prometheus, not '" + global.output + "'");
        }
        Duration window;
        try {
            window = Durations.parse(within);
        } catch (IllegalArgumentException e) {
            throw new ExitException.InvalidInput(
                    "cutover expiry: --within '" + within + "' is not a duration; write 30d, 90d or 12h");
        }
        if (stores.isEmpty() && bundles.isEmpty() && rdsInstances.isEmpty()) {
            throw new ExitException.InvalidInput(
                    "cutover expiry: nothing to check; give --store FILE, --bundle FILE or --rds-instance ID "
                    + "--region R");
        }
        if (!rdsInstances.isEmpty() && regions.size() != 1 && regions.size() != rdsInstances.size()) {
            throw new ExitException.InvalidInput(
                    "cutover expiry: give one --region for all --rds-instance options, or one per instance");
        }
        String secret = passwordEnv == null ? null : global.environment().get(passwordEnv);
        if (passwordEnv != null && secret == null) {
            throw new ExitException.InvalidInput(
                    "cutover expiry: the environment variable " + passwordEnv + " (--password-env) is not set");
        }
        char[] password = secret == null ? null : secret.toCharArray();
        Instant now = Instant.now();
        List<ExpiryReport.Source> sources = new ArrayList<>();
        for (Path p : stores) {
            sources.add(ExpiryReport.Source.of("store", p.toString(), () -> CertificateFiles.read(p, pw(password))));
        }
        for (Path p : bundles) {
            sources.add(ExpiryReport.Source.of("bundle", p.toString(), () -> CertificateFiles.read(p, null)));
        }
        if (!rdsInstances.isEmpty()) {
            RdsCertificates rds = new RdsCertificates(StepTypeRegistry.load(global.plugins()), global.stateDirectory(),
                    global.environment(), awsProfile, awsEndpoint);
            for (int i = 0; i < rdsInstances.size(); i++) {
                String id = rdsInstances.get(i);
                String region = regions.get(regions.size() == 1 ? 0 : i);
                sources.add(ExpiryReport.Source.of("rds", "rds:" + id + " (" + region + ")",
                        () -> rds.read(id, region)));
            }
        }
        ExpiryReport report = ExpiryReport.of(sources, now, window, ignoreExpired);
        switch (format) {
            case "json" -> JsonSummary.print(out, ExpiryRendering.json(report));
            case "prometheus" -> ExpiryRendering.prometheus(report, out);
            default -> ExpiryRendering.text(report, out);
        }
        report.sources().stream().filter(s -> s.error() != null)
                .forEach(s -> err.println("cutover expiry: " + s.error()));
        out.flush();
        err.flush();
        return report.exitCode();
    }

    private static char[] pw(char[] password) {
        return password == null ? null : password.clone();
    }
}
