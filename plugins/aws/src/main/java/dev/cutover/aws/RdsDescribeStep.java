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

/** {@code aws.rds.describe}: reads one DB instance's CA state, pending rotations and engine certificate support. */
public final class RdsDescribeStep implements Check {
    private final AwsClients clients;

    public RdsDescribeStep() {
        this(AwsClients.standard());
    }

    RdsDescribeStep(AwsClients clients) {
        this.clients = clients;
    }

    @Override
    public String id() {
        return "aws.rds.describe";
    }

    @Override
    public String description() {
        return "Reads a DB instance's status, endpoint, CA, certificate expiry, pending CA changes and whether "
                + "its engine version rotates certificates without a restart.";
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> in = new ArrayList<>();
        in.add(InputSpec.required("db_instance", InputType.STRING, "DB instance identifier"));
        in.addAll(AwsClients.COMMON_INPUTS);
        return in;
    }

    @Override
    public List<OutputSpec> outputs() {
        List<OutputSpec> out = new ArrayList<>(DbInstanceState.OUTPUTS);
        out.add(OutputSpec.list("pending_maintenance", "pending CA maintenance: {action, "
                + "opt_in_status, auto_applied_after, forced_apply, current_apply, description}"));
        out.add(OutputSpec.bool("supports_rotation_without_restart", "whether the engine "
                + "version rotates the certificate without a restart (null when AWS does not say)"));
        out.add(OutputSpec.list("supported_ca_identifiers", "the CAs the engine version supports"));
        return List.copyOf(out);
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        String id = context.inputs().string("db_instance");
        try (AwsClients.Handle<RdsClient> rds = clients.rds(clients.target(context.inputs()))) {
            Map<String, Object> out = describe(rds.client(), id);
            return StepResult.unchanged("db instance '" + id + "' is " + out.get("status") + " on CA "
                    + out.get("ca_certificate_identifier"), out);
        }
    }

    /** The full set of describe outputs for one instance. */
    static Map<String, Object> describe(RdsClient rds, String id) throws StepFailedException {
        DbInstanceState db = Rds.instance(rds, id);
        Map<String, Object> out = db.outputs();
        out.put("pending_maintenance", Rds.pendingCaMaintenance(rds, db));
        Rds.EngineSupport support = Rds.engineSupport(rds, db.engine(), db.engineVersion());
        out.put("supports_rotation_without_restart", support.rotationWithoutRestart());
        out.put("supported_ca_identifiers", support.supportedCas());
        return out;
    }
}
