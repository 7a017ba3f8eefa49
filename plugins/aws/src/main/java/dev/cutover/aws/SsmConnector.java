package dev.cutover.aws;

import dev.cutover.spi.Host;
import dev.cutover.spi.HostConnector;
import dev.cutover.spi.HostSpec;
import dev.cutover.spi.StepFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code transport: ssm}: fleet hosts that are EC2 (or hybrid) instances managed by AWS Systems Manager,
 * named by instance id in {@code address:}. Region, profile and endpoint come from the inventory's
 * {@code ssm:} section ({@link HostSpec#options()}), else from {@code AWS_REGION} / the profile's region and
 * {@code CUTOVER_AWS_ENDPOINT} (the SDK itself also honours {@code AWS_ENDPOINT_URL_SSM} and
 * {@code AWS_ENDPOINT_URL}); credentials from the SDK's default chain. Connecting checks with
 * DescribeInstanceInformation that the instance is managed, online and Linux, so that an unreachable
 * instance fails preflight. One SSM client per region/profile/endpoint, shared by its hosts.
 */
public final class SsmConnector implements HostConnector {
    static final String ENDPOINT_ENV = "CUTOVER_AWS_ENDPOINT";
    private final AwsClients clients;
    private final UnaryOperator<String> env;
    private final Duration poll;
    private final Duration maxPoll;
    private final Map<AwsClients.Target, AwsClients.Handle<SsmClient>> open = new LinkedHashMap<>();

    public SsmConnector() {
        this(AwsClients.standard(), System::getenv, Duration.ofMillis(250), Duration.ofSeconds(2));
    }

    SsmConnector(AwsClients clients, UnaryOperator<String> env, Duration poll, Duration maxPoll) {
        this.clients = clients;
        this.env = env;
        this.poll = poll;
        this.maxPoll = maxPoll;
    }

    @Override
    public String transport() {
        return "ssm";
    }

    /** Over SSM only commands run: steps that read or write the host's files are refused before a run. */
    @Override
    public boolean offersFiles() {
        return false;
    }

    @Override
    public Host connect(HostSpec spec, HostKeyListener listener) throws IOException, InterruptedException {
        Map<String, String> o = spec.options();
        AwsClients.Target target;
        try {
            String endpoint = o.getOrDefault("endpoint", env.apply(ENDPOINT_ENV));
            target = clients.target(o.get("region"), o.get("profile"), endpoint);
        } catch (StepFailedException e) {
            throw new IOException("host '" + spec.name() + "' (ssm): " + e.getMessage().replace("the step's 'region' "
                    + "input", "ssm: { region: ... } in the inventory").replace("input 'endpoint'", "ssm: endpoint"));
        }
        SsmClient ssm = client(target);
        String id = spec.address();
        List<InstanceInformation> found;
        try {
            found = ssm.describeInstanceInformation(r -> r.filters(
                    InstanceInformationStringFilter.builder().key("InstanceIds").values(id).build()))
                    .instanceInformationList();
        } catch (SdkException e) {
            throw new IOException(AwsErrors.message("ssm:DescribeInstanceInformation", "instance " + id + " ("
                    + target.describe() + ")", e));
        }
        InstanceInformation info = found.stream().filter(i -> id.equals(i.instanceId())).findFirst().orElse(null);
        if (info == null) {
            throw new IOException("instance " + id + " is not managed by SSM in " + target.describe() + ": check the "
                    + "instance id and the region, that its SSM agent runs and that its instance profile allows SSM "
                    + "(AmazonSSMManagedInstanceCore)");
        }
        if (!"Online".equals(info.pingStatusAsString())) {
            throw new IOException("instance " + id + " is " + info.pingStatusAsString() + " in SSM (" + target.describe()
                    + "), not Online: its SSM agent has not checked in" + (info.lastPingDateTime() == null ? ""
                    : " since " + info.lastPingDateTime()) + "; start the instance or its agent, then retry");
        }
        if (info.platformType() != null && !"Linux".equals(info.platformTypeAsString())
                && !"MacOS".equals(info.platformTypeAsString())) {
            throw new IOException("instance " + id + " runs " + info.platformTypeAsString() + "; the ssm transport "
                    + "runs POSIX shell commands (AWS-RunShellScript) on Linux and macOS instances only");
        }
        return new SsmHost(spec, ssm, target.describe(), poll, maxPoll);
    }

    private synchronized SsmClient client(AwsClients.Target target) {
        return open.computeIfAbsent(target, clients::ssm).client();
    }

    @Override
    public synchronized void close() {
        for (AwsClients.Handle<SsmClient> h : open.values()) {
            h.close();
        }
        open.clear();
    }
}
