package dev.cutover.aws;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Certificate;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code aws.rds.certificates}: lists the region's RDS certificate authorities, their validity and the default. */
public final class RdsCertificatesStep implements Check {
    private final AwsClients clients;

    public RdsCertificatesStep() {
        this(AwsClients.standard());
    }

    RdsCertificatesStep(AwsClients clients) {
        this.clients = clients;
    }

    @Override
    public String id() {
        return "aws.rds.certificates";
    }

    @Override
    public String description() {
        return "Lists the RDS certificate authorities (DescribeCertificates): identifiers, validity and the default "
                + "for new instances.";
    }

    @Override
    public List<InputSpec> inputs() {
        return AwsClients.COMMON_INPUTS;
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.list("certificates",
                        "by id: {id, type, thumbprint, valid_from, valid_till, customer_override, default, expired}"),
                OutputSpec.list("identifiers", "the CA identifiers, sorted"),
                OutputSpec.string("default", "the CA new instances get by default"));
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        try (AwsClients.Handle<RdsClient> rds = clients.rds(clients.target(context.inputs()))) {
            Rds.Certificates certs = Rds.certificates(rds.client());
            Instant now = Instant.now();
            List<Map<String, Object>> list = certs.all().stream()
                    .sorted(Comparator.comparing(Certificate::certificateIdentifier))
                    .map(c -> {
                        Map<String, Object> m = Rds.certificateOutputs(c, certs.defaultForNewLaunches());
                        m.put("expired", c.validTill() != null && c.validTill().isBefore(now));
                        return m;
                    })
                    .toList();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("certificates", list);
            out.put("identifiers", list.stream().map(m -> (String) m.get("id")).toList());
            out.put("default", certs.defaultForNewLaunches());
            return StepResult.unchanged(list.size() + " certificate authorities; default for new instances: "
                    + certs.defaultForNewLaunches(), out);
        }
    }
}
