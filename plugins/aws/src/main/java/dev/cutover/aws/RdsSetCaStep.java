package dev.cutover.aws;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Undoable;
import dev.cutover.spi.Probeable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Certificate;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code aws.rds.set-ca}: moves a DB instance to another certificate authority (ModifyDBInstance,
 * applied immediately by default) and waits until RDS reports it applied; undo moves it back while
 * the previous CA is still valid.
 */
public final class RdsSetCaStep implements Undoable, Probeable {
    private final AwsClients clients;

    public RdsSetCaStep() {
        this(AwsClients.standard());
    }

    RdsSetCaStep(AwsClients clients) {
        this.clients = clients;
    }

    @Override
    public String id() {
        return "aws.rds.set-ca";
    }

    @Override
    public String description() {
        return "Moves a DB instance to a new CA (ModifyDBInstance, ApplyImmediately true by default) and waits until "
                + "it is applied; undo restores the previous CA while it is still valid.";
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> in = new ArrayList<>();
        in.add(InputSpec.required("db_instance", InputType.STRING, "DB instance identifier"));
        in.add(InputSpec.required("target_ca", InputType.STRING, "CA identifier to move to, e.g. rds-ca-rsa2048-g1"));
        in.add(InputSpec.optional("apply_immediately", InputType.BOOL, true, "apply now (default true); AWS's own "
                + "default false silently queues the change for the maintenance window"));
        in.add(InputSpec.optional("certificate_rotation_restart", InputType.BOOL, null, "CertificateRotationRestart; "
                + "unset leaves AWS's default (restart); false only if no client uses TLS"));
        in.add(InputSpec.optional("poll_interval", InputType.DURATION, "15s", "how often to check progress"));
        in.add(InputSpec.optional("deadline", InputType.DURATION, "40m", "how long to wait for the change to apply"));
        in.addAll(AwsClients.COMMON_INPUTS);
        return in;
    }

    @Override
    public List<OutputSpec> outputs() {
        List<OutputSpec> out = new ArrayList<>(DbInstanceState.OUTPUTS);
        out.add(OutputSpec.string("previous_ca", "the CA the instance was on before"));
        out.add(OutputSpec.string("target_ca", "the CA it was moved to"));
        return List.copyOf(out);
    }

    @Override
    public Set<String> traits() {
        return Set.of("changes:database-ca");
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        String id = in.string("db_instance");
        String target = in.string("target_ca");
        CaChange.Settings s = settings(in);
        AwsClients.Target where = clients.target(in);
        try (AwsClients.Handle<RdsClient> rds = clients.rds(where)) {
            DbInstanceState db = Rds.instance(rds.client(), id);
            CaChange.requireKnown(rds.client(), target, where.region().id());
            if (db.differencesFrom(target).isEmpty()) {
                return Plan.of("db instance '" + id + "' is already on " + target + "; nothing to do");
            }
            Rds.EngineSupport support = Rds.engineSupport(rds.client(), db.engine(), db.engineVersion());
            CaChange.requireSupported(support, db, target);
            Optional<Certificate> previous = Rds.certificate(rds.client(), db.ca());
            List<String> changes = new ArrayList<>();
            changes.add("~ CA " + db.ca() + " → " + target + " on db instance '" + id + "' (" + db.engine() + " "
                    + db.engineVersion() + ", " + where.describe() + ")");
            changes.add(s.applyImmediately()
                    ? "  ApplyImmediately=true: applied now (AWS's default false would silently queue it for the "
                    + "maintenance window)"
                    : "  ApplyImmediately=false: only QUEUED for the next maintenance window; nothing changes now");
            changes.add("  " + CaChange.restartNote(support, db, s.rotationRestart()));
            changes.add("  undo: back to " + db.ca() + ", "
                    + previous.map(CaChange::validity).orElse("which RDS no longer lists (undo will refuse)"));
            if (db.pendingCa() != null) {
                changes.add("  note: CA " + db.pendingCa() + " is already pending on this instance");
            }
            if (s.applyImmediately()) {
                changes.add("  then wait (every " + in.get("poll_interval") + ", up to " + in.get("deadline")
                        + ") until both CA fields are " + target + ", status available, nothing pending");
            }
            caller(where).ifPresent(c -> changes.add("  as " + c));
            return Plan.of("would move db instance '" + id + "' from " + db.ca() + " → " + target
                    + (s.applyImmediately() ? " now" : " at the next maintenance window"), changes);
        }
    }

    @Override
    public Intent prepare(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        String id = in.string("db_instance");
        String target = in.string("target_ca");
        AwsClients.Target where = clients.target(in);
        try (AwsClients.Handle<RdsClient> rds = clients.rds(where)) {
            DbInstanceState db = Rds.instance(rds.client(), id);
            CaChange.requireKnown(rds.client(), target, where.region().id());
            Optional<Certificate> previous = Rds.certificate(rds.client(), db.ca());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("db_instance", id);
            data.put("region", where.region().id());
            data.put("previous_ca", db.ca());
            data.put("previous_ca_valid_till", previous.map(c -> DbInstanceState.iso(c.validTill())).orElse(null));
            data.put("target_ca", target);
            data.put("apply_immediately", settings(in).applyImmediately());
            return Intent.of(data);
        }
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException, InterruptedException {
        Inputs in = context.inputs();
        String id = in.string("db_instance");
        String target = in.string("target_ca");
        return move(context, id, intent.string("previous_ca"), target, settings(in), false);
    }

    @Override
    public StepResult undo(StepContext context, Intent intent) throws StepFailedException, InterruptedException {
        String id = intent.string("db_instance");
        String previous = intent.string("previous_ca");
        String target = intent.string("target_ca");
        if (id == null || previous == null) {
            throw new StepFailedException("undo of aws.rds.set-ca: the journaled intent has no db_instance/previous_ca;"
                    + " set the CA back by hand with aws.rds.set-ca");
        }
        CaChange.Settings forward = settings(context.inputs());
        CaChange.Settings s = new CaChange.Settings(!"false".equals(intent.string("apply_immediately")),
                forward.rotationRestart(), forward.pollInterval(), forward.deadline());
        return move(context, id, target, previous, s, true);
    }

    private StepResult move(StepContext context, String id, String from, String to, CaChange.Settings s, boolean undo)
            throws StepFailedException, InterruptedException {
        AwsClients.Target where = clients.target(context.inputs());
        try (AwsClients.Handle<RdsClient> rds = clients.rds(where)) {
            DbInstanceState db = Rds.instance(rds.client(), id);
            if (db.differencesFrom(to).isEmpty()) {
                return StepResult.unchanged("db instance '" + id + "' is already on " + to,
                        CaChange.withTarget(db, from, to));
            }
            if (undo) {
                refuseIfGone(rds.client(), id, from, to, where);
            }
            boolean alreadyMoving = to.equals(db.pendingCa()) || (to.equals(db.ca()) && db.pendingCa() == null);
            if (!alreadyMoving) {
                context.note((undo ? "undo: " : "") + "ModifyDBInstance " + id + " CA " + db.ca() + " → " + to
                        + ", ApplyImmediately=" + s.applyImmediately());
                CaChange.modify(rds.client(), id, to, s);
            }
            if (!s.applyImmediately()) {
                DbInstanceState queued = Rds.instance(rds.client(), id);
                return StepResult.done(CaChange.withTarget(queued, from, to), "CA " + to + " queued for db instance '"
                        + id + "' at its next maintenance window (apply_immediately: false)");
            }
            DbInstanceState done = CaChange.await(rds.client(), id, to, s, context);
            return StepResult.done(CaChange.withTarget(done, from, to),
                    "db instance '" + id + "' is on " + to + " and available");
        }
    }

    private static void refuseIfGone(RdsClient rds, String id, String current, String previous,
                                     AwsClients.Target where) throws StepFailedException {
        Optional<Certificate> c = Rds.certificate(rds, previous);
        if (c.isEmpty()) {
            throw new StepFailedException("undo refused: the previous CA " + previous + " is no longer offered by RDS in "
                    + where.region().id() + " (rds:DescribeCertificates); db instance '" + id + "' stays on " + current);
        }
        if (c.get().validTill() != null && c.get().validTill().isBefore(Instant.now())) {
            throw new StepFailedException("undo refused: the previous CA " + previous + " expired at "
                    + c.get().validTill() + " (rds:DescribeCertificates ValidTill); moving db instance '" + id
                    + "' back would break every TLS client, so it stays on " + current
                    + "; fix the clients' truststores instead");
        }
    }

    @Override
    public ProbeResult probe(StepContext context, Intent intent) {
        try (AwsClients.Handle<RdsClient> rds = clients.rds(clients.target(context.inputs()))) {
            DbInstanceState db = Rds.instance(rds.client(), intent.string("db_instance"));
            String target = intent.string("target_ca");
            if (target.equals(db.ca()) || target.equals(db.pendingCa())) {
                return ProbeResult.DONE;
            }
            return db.ca() != null && db.ca().equals(intent.string("previous_ca")) ? ProbeResult.NOT_DONE
                    : ProbeResult.UNKNOWN;
        } catch (StepFailedException | RuntimeException e) {
            return ProbeResult.UNKNOWN;
        }
    }

    private static CaChange.Settings settings(Inputs in) throws StepFailedException {
        Boolean restart = in.has("certificate_rotation_restart") ? in.bool("certificate_rotation_restart") : null;
        CaChange.Settings s = new CaChange.Settings(in.bool("apply_immediately", true), restart,
                in.duration("poll_interval"), in.duration("deadline"));
        if (s.pollInterval().isZero() || s.pollInterval().isNegative()) {
            throw new StepFailedException("input 'poll_interval' must be more than 0");
        }
        return s;
    }

    /** Best effort: which account and principal a plan is about to act as (sts:GetCallerIdentity). */
    private Optional<String> caller(AwsClients.Target where) {
        try (AwsClients.Handle<StsClient> sts = clients.sts(where)) {
            GetCallerIdentityResponse me = sts.client().getCallerIdentity();
            return Optional.of("account " + me.account() + " (" + me.arn() + ")");
        } catch (SdkException e) {
            return Optional.empty();
        }
    }
}
