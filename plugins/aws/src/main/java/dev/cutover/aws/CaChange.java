package dev.cutover.aws;

import dev.cutover.spi.Durations;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Certificate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Moves one DB instance to a CA with ModifyDBInstance and waits until RDS reports the change applied. */
final class CaChange {
    private static final Set<String> DEAD_ENDS = Set.of("failed", "incompatible-parameters", "incompatible-network",
            "incompatible-option-group", "incompatible-restore", "inaccessible-encryption-credentials",
            "storage-full", "stopped", "deleting");

    /** How to change and how long to wait; {@code rotationRestart} null means "not sent" (AWS default true). */
    record Settings(boolean applyImmediately, Boolean rotationRestart, Duration pollInterval, Duration deadline) {
    }

    private CaChange() {
    }

    /** Sends ModifyDBInstance for the CA. */
    static void modify(RdsClient rds, String id, String ca, Settings s) throws StepFailedException {
        try {
            rds.modifyDBInstance(r -> r.dbInstanceIdentifier(id).caCertificateIdentifier(ca)
                    .applyImmediately(s.applyImmediately()).certificateRotationRestart(s.rotationRestart()));
        } catch (SdkException e) {
            throw AwsErrors.failure("rds:ModifyDBInstance", "db instance '" + id + "' (CA " + ca + ")", e);
        }
    }

    /**
     * Polls DescribeDBInstances until both CA fields equal {@code ca}, the status is available and
     * nothing is pending; fails at the deadline or on a status that will not recover by itself.
     */
    static DbInstanceState await(RdsClient rds, String id, String ca, Settings s, StepContext context)
            throws StepFailedException, InterruptedException {
        Duration limit = context.timeout().filter(t -> t.compareTo(s.deadline()) < 0).orElse(s.deadline());
        Instant until = Instant.now().plus(limit);
        String last = null;
        while (true) {
            DbInstanceState db = Rds.instance(rds, id);
            List<String> off = db.differencesFrom(ca);
            if (off.isEmpty()) {
                return db;
            }
            if (DEAD_ENDS.contains(db.status())) {
                throw new StepFailedException("db instance '" + id + "' went to status " + db.status()
                        + " while moving to CA " + ca + "; see the RDS events for it", db.outputs(), null);
            }
            String now = String.join("; ", off);
            if (!now.equals(last)) {
                context.note("waiting for db instance '" + id + "' to apply CA " + ca + ": " + now);
                last = now;
            }
            if (Instant.now().plus(s.pollInterval()).isAfter(until)) {
                throw new StepFailedException("db instance '" + id + "' did not finish moving to CA " + ca
                        + " within " + Durations.format(limit) + ": " + now
                        + "; raise 'deadline' or check the instance in the RDS console", db.outputs(), null);
            }
            Thread.sleep(s.pollInterval().toMillis());
        }
    }

    /** Fails unless RDS knows {@code ca}; returns it. */
    static Certificate requireKnown(RdsClient rds, String ca, String region) throws StepFailedException {
        Optional<Certificate> c = Rds.certificate(rds, ca);
        if (c.isEmpty()) {
            throw new StepFailedException("rds:DescribeCertificates: '" + ca + "' is not an RDS certificate authority in "
                    + region + "; use one of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1 "
                    + "(see aws.rds.certificates)");
        }
        return c.get();
    }

    /** Fails when the engine version lists supported CAs and {@code ca} is not among them. */
    static void requireSupported(Rds.EngineSupport support, DbInstanceState db, String ca) throws StepFailedException {
        if (!support.supportedCas().isEmpty() && !support.supportedCas().contains(ca)) {
            throw new StepFailedException("rds:DescribeDBEngineVersions: " + db.engine() + " " + db.engineVersion()
                    + " does not support CA " + ca + " (supported: " + String.join(", ", support.supportedCas()) + ")");
        }
    }

    /** Whether the rotation restarts the database, and why, for the plan. */
    static String restartNote(Rds.EngineSupport support, DbInstanceState db, Boolean rotationRestart) {
        String engine = db.engine() + " " + db.engineVersion();
        if (Boolean.FALSE.equals(rotationRestart)) {
            return "restart: no (certificate_rotation_restart: false); the new server certificate takes effect only "
                    + "after the instance next restarts";
        }
        if (Boolean.TRUE.equals(support.rotationWithoutRestart())) {
            return "restart: no; " + engine + " supports certificate rotation without restart";
        }
        if (Boolean.FALSE.equals(support.rotationWithoutRestart())) {
            return "restart: YES, the database restarts; " + engine + " does not support certificate rotation "
                    + "without restart";
        }
        return "restart: probably; DescribeDBEngineVersions did not say whether " + engine
                + " rotates certificates without restart";
    }

    /** "valid till X" or "EXPIRED at X" for a CA, for plans and refusals. */
    static String validity(Certificate c) {
        if (c.validTill() == null) {
            return "validity unknown";
        }
        return c.validTill().isBefore(Instant.now()) ? "EXPIRED at " + c.validTill() : "valid till " + c.validTill();
    }

    static Map<String, Object> withTarget(DbInstanceState db, String previous, String target) {
        Map<String, Object> out = db.outputs();
        out.put("previous_ca", previous);
        out.put("target_ca", target);
        return out;
    }
}
