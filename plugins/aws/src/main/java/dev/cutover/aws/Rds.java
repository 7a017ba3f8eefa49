package dev.cutover.aws;

import dev.cutover.spi.StepFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Certificate;
import software.amazon.awssdk.services.rds.model.CertificateNotFoundException;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeCertificatesResponse;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.PendingMaintenanceAction;
import software.amazon.awssdk.services.rds.model.ResourcePendingMaintenanceActions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The read calls the RDS step types share, each translating AWS errors into operator messages. */
final class Rds {
    static final String CA_ROTATION_ACTION = "ca-certificate-rotation";

    private Rds() {
    }

    /** The engine version's certificate facts; fields are null or empty when AWS did not say. */
    record EngineSupport(Boolean rotationWithoutRestart, List<String> supportedCas) {
    }

    /** All certificates in the region and the one new instances get by default. */
    record Certificates(List<Certificate> all, String defaultForNewLaunches) {
    }

    static DbInstanceState instance(RdsClient rds, String id) throws StepFailedException {
        try {
            List<DBInstance> found = rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances();
            if (found.isEmpty()) {
                throw new StepFailedException("rds:DescribeDBInstances: db instance '" + id
                        + "' was not found; check db_instance and the region");
            }
            return DbInstanceState.of(found.get(0));
        } catch (SdkException e) {
            throw AwsErrors.failure("rds:DescribeDBInstances", "db instance '" + id + "'", e);
        }
    }

    /** One certificate authority by id, or empty when RDS does not know it. */
    static Optional<Certificate> certificate(RdsClient rds, String caId) throws StepFailedException {
        try {
            List<Certificate> found = rds.describeCertificates(r -> r.certificateIdentifier(caId)).certificates();
            return found.stream().filter(c -> caId.equals(c.certificateIdentifier())).findFirst();
        } catch (CertificateNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.failure("rds:DescribeCertificates", "certificate '" + caId + "'", e);
        }
    }

    static Certificates certificates(RdsClient rds) throws StepFailedException {
        try {
            List<Certificate> all = new ArrayList<>();
            String marker = null;
            String dflt = null;
            do {
                String m = marker;
                DescribeCertificatesResponse page = rds.describeCertificates(r -> r.marker(m));
                all.addAll(page.certificates());
                dflt = page.defaultCertificateForNewLaunches() != null ? page.defaultCertificateForNewLaunches() : dflt;
                marker = page.marker();
            } while (marker != null && !marker.isEmpty());
            return new Certificates(all, dflt);
        } catch (SdkException e) {
            throw AwsErrors.failure("rds:DescribeCertificates", "the region's certificate authorities", e);
        }
    }

    static EngineSupport engineSupport(RdsClient rds, String engine, String version) throws StepFailedException {
        try {
            List<DBEngineVersion> versions = rds.describeDBEngineVersions(r -> r.engine(engine).engineVersion(version))
                    .dbEngineVersions();
            if (versions.isEmpty()) {
                return new EngineSupport(null, List.of());
            }
            DBEngineVersion v = versions.get(0);
            List<String> cas = v.hasSupportedCACertificateIdentifiers()
                    ? v.supportedCACertificateIdentifiers().stream().sorted().toList() : List.of();
            return new EngineSupport(v.supportsCertificateRotationWithoutRestart(), cas);
        } catch (SdkException e) {
            throw AwsErrors.failure("rds:DescribeDBEngineVersions", "engine " + engine + " " + version, e);
        }
    }

    /** The instance's pending {@code ca-certificate-rotation} maintenance actions, as JSON-friendly maps. */
    static List<Map<String, Object>> pendingCaMaintenance(RdsClient rds, DbInstanceState db) throws StepFailedException {
        String ref = db.arn() != null ? db.arn() : db.identifier();
        try {
            List<Map<String, Object>> out = new ArrayList<>();
            String marker = null;
            do {
                String m = marker;
                var page = rds.describePendingMaintenanceActions(r -> r.marker(m)
                        .filters(Filter.builder().name("db-instance-id").values(ref).build()));
                for (ResourcePendingMaintenanceActions res : page.pendingMaintenanceActions()) {
                    for (PendingMaintenanceAction a : res.pendingMaintenanceActionDetails()) {
                        if (CA_ROTATION_ACTION.equals(a.action())) {
                            Map<String, Object> one = new LinkedHashMap<>();
                            one.put("action", a.action());
                            one.put("opt_in_status", a.optInStatus());
                            one.put("auto_applied_after", DbInstanceState.iso(a.autoAppliedAfterDate()));
                            one.put("forced_apply", DbInstanceState.iso(a.forcedApplyDate()));
                            one.put("current_apply", DbInstanceState.iso(a.currentApplyDate()));
                            one.put("description", a.description());
                            out.add(one);
                        }
                    }
                }
                marker = page.marker();
            } while (marker != null && !marker.isEmpty());
            return out;
        } catch (SdkException e) {
            throw AwsErrors.failure("rds:DescribePendingMaintenanceActions", "db instance '" + db.identifier() + "'", e);
        }
    }

    /** A certificate as JSON-friendly values. */
    static Map<String, Object> certificateOutputs(Certificate c, String defaultId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.certificateIdentifier());
        m.put("type", c.certificateType());
        m.put("thumbprint", c.thumbprint());
        m.put("valid_from", DbInstanceState.iso(c.validFrom()));
        m.put("valid_till", DbInstanceState.iso(c.validTill()));
        m.put("customer_override", c.customerOverride());
        m.put("default", c.certificateIdentifier() != null && c.certificateIdentifier().equals(defaultId));
        return m;
    }
}
