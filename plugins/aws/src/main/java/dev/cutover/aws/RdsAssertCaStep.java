package dev.cutover.aws;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;
import software.amazon.awssdk.services.rds.RdsClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code aws.rds.assert-ca}: passes only when a DB instance's CA fields both equal the expected CA,
 * its status is available and no CA change or CA rotation maintenance is pending.
 */
public final class RdsAssertCaStep implements Check {
    private final AwsClients clients;

    public RdsAssertCaStep() {
        this(AwsClients.standard());
    }

    RdsAssertCaStep(AwsClients clients) {
        this.clients = clients;
    }

    @Override
    public String id() {
        return "aws.rds.assert-ca";
    }

    @Override
    public String description() {
        return "Checks that a DB instance is on the expected CA (CACertificateIdentifier and "
                + "CertificateDetails.CAIdentifier), available, with nothing pending.";
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> in = new ArrayList<>();
        in.add(InputSpec.required("db_instance", InputType.STRING, "DB instance identifier"));
        in.add(InputSpec.required("expected_ca", InputType.STRING, "the CA identifier the instance must be on, "
                + "e.g. rds-ca-rsa2048-g1"));
        in.addAll(AwsClients.COMMON_INPUTS);
        return in;
    }

    @Override
    public List<OutputSpec> outputs() {
        List<OutputSpec> out = new ArrayList<>(DbInstanceState.OUTPUTS);
        out.add(OutputSpec.list("pending_maintenance", "pending CA maintenance: {action, "
                + "opt_in_status, auto_applied_after, forced_apply, current_apply, description}"));
        out.add(OutputSpec.string("expected_ca", "the CA the instance was expected on"));
        return List.copyOf(out);
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        String id = context.inputs().string("db_instance");
        String expected = context.inputs().string("expected_ca");
        try (AwsClients.Handle<RdsClient> rds = clients.rds(clients.target(context.inputs()))) {
            DbInstanceState db = Rds.instance(rds.client(), id);
            List<Map<String, Object>> maintenance = Rds.pendingCaMaintenance(rds.client(), db);
            Map<String, Object> out = db.outputs();
            out.put("pending_maintenance", maintenance);
            out.put("expected_ca", expected);
            List<String> off = new ArrayList<>(db.differencesFrom(expected));
            for (Map<String, Object> m : maintenance) {
                off.add("maintenance action " + m.get("action") + " is pending"
                        + (m.get("opt_in_status") == null ? "" : " (opt-in " + m.get("opt_in_status") + ")")
                        + (m.get("auto_applied_after") == null ? "" : ", auto-applies after " + m.get("auto_applied_after")));
            }
            if (!off.isEmpty()) {
                throw new StepFailedException("db instance '" + id + "' is not settled on " + expected + ": "
                        + String.join("; ", off), out, null);
            }
            return StepResult.unchanged("db instance '" + id + "' is on " + expected + ", available, nothing pending",
                    out);
        }
    }
}
