package dev.cutover.aws;

import dev.cutover.spi.StepType;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RdsReadStepsTest {
    private static FakeAwsServer aws;

    @BeforeAll
    static void startFakeAws() {
        aws = FakeAwsServer.start();
    }

    @AfterAll
    static void stopFakeAws() {
        aws.close();
    }

    @BeforeEach
    void resetFake() {
        aws.reset();
        aws.rds.onCa("rds-ca-rsa2048-g1");
    }

    private static StepTestKit kit(StepType type) {
        return StepTestKit.of(type).with("region", "us-east-1").with("endpoint", aws.endpoint());
    }

    private static AwsClients fastRetry() {
        return AwsClients.withBackoff(Duration.ofMillis(5));
    }

    @Test
    void describeReportsCaStatePendingRotationAndEngineSupport() throws Exception {
        aws.rds.pendingCa = "rds-ca-ecc384-g1";
        aws.rds.maintenance.add("ca-certificate-rotation");
        aws.rds.maintenance.add("system-update");

        StepRecording r = kit(new RdsDescribeStep(fastRetry())).with("db_instance", FakeRds.INSTANCE)
                .apply().assertSucceeded();
        dev.cutover.testkit.DeclaredOutputs.assertMatch(new RdsDescribeStep(), r);

        assertEquals(List.of("step.started", "step.unchanged"), r.eventNames());
        assertEquals("available", r.output("status"));
        assertEquals("postgres", r.output("engine"));
        assertEquals("15.4", r.output("engine_version"));
        assertEquals("payments-db.abcdefghijkl.us-east-1.rds.amazonaws.com", r.output("endpoint_host"));
        assertEquals(5432, r.output("endpoint_port"));
        assertEquals("rds-ca-rsa2048-g1", r.output("ca_certificate_identifier"));
        assertEquals("2026-12-01T10:00:00Z", r.output("certificate_valid_till"));
        assertEquals("rds-ca-ecc384-g1", r.output("pending_ca"));
        assertEquals(false, r.output("supports_rotation_without_restart"));
        assertEquals(List.of("rds-ca-2019", "rds-ca-ecc384-g1", "rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"),
                r.output("supported_ca_identifiers"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> pending = (List<Map<String, Object>>) r.output("pending_maintenance");
        assertEquals(1, pending.size(), "only ca-certificate-rotation actions: " + pending);
        assertEquals("2026-12-24T00:00:00Z", pending.get(0).get("auto_applied_after"));
    }

    @Test
    void certificatesListsValidityExpiryAndTheDefault() throws Exception {
        StepRecording r = kit(new RdsCertificatesStep(fastRetry())).apply().assertSucceeded();
        dev.cutover.testkit.DeclaredOutputs.assertMatch(new RdsCertificatesStep(), r);

        assertEquals("rds-ca-rsa2048-g1", r.output("default"));
        assertEquals(List.of("rds-ca-2019", "rds-ca-ecc384-g1", "rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"),
                r.output("identifiers"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> certs = (List<Map<String, Object>>) r.output("certificates");
        assertEquals(true, certs.get(0).get("expired"));
        assertEquals("2024-08-22T17:08:50Z", certs.get(0).get("valid_till"));
        assertEquals(false, certs.get(2).get("expired"));
        assertEquals(true, certs.get(2).get("default"));
        assertEquals(false, certs.get(3).get("default"));
    }

    @Test
    void assertCaPassesWhenSettledOnTheExpectedCa() throws Exception {
        StepRecording r = kit(new RdsAssertCaStep(fastRetry())).with("db_instance", FakeRds.INSTANCE)
                .with("expected_ca", "rds-ca-rsa2048-g1").apply().assertSucceeded();
        dev.cutover.testkit.DeclaredOutputs.assertMatch(new RdsAssertCaStep(), r);

        assertEquals("rds-ca-rsa2048-g1", r.output("ca_certificate_identifier"));
    }

    @Test
    void assertCaNamesEveryFieldThatIsOff() throws Exception {
        aws.rds.certificateCa = "rds-ca-rsa4096-g1";
        aws.rds.status = "modifying";
        aws.rds.maintenance.add("ca-certificate-rotation");

        StepRecording r = kit(new RdsAssertCaStep(fastRetry())).with("db_instance", FakeRds.INSTANCE)
                .with("expected_ca", "rds-ca-rsa2048-g1").apply().assertFailed();

        assertEquals("db instance 'payments-db' is not settled on rds-ca-rsa2048-g1: "
                + "CertificateDetails.CAIdentifier is rds-ca-rsa4096-g1; status is modifying; "
                + "maintenance action ca-certificate-rotation is pending, auto-applies after 2026-12-24T00:00:00Z", r.error());
        assertEquals("modifying", r.output("status"), "outputs survive the failure");
    }

    @Test
    void throttlingIsRetriedByTheSdkThenSucceeds() throws Exception {
        aws.rds.throttle.put("DescribeDBInstances", 2);

        StepRecording r = kit(new RdsAssertCaStep(fastRetry())).with("db_instance", FakeRds.INSTANCE)
                .with("expected_ca", "rds-ca-rsa2048-g1").apply().assertSucceeded();

        assertEquals("available", r.output("status"));
        assertEquals(3, aws.queryRequests("DescribeDBInstances").size(), "two throttled attempts, then success");
    }

    @Test
    void theServiceLoaderConstructorRetriesThrottlingWithTheSdkDefaults() throws Exception {
        aws.rds.throttle.put("DescribeDBInstances", 1);

        StepRecording r = kit(new RdsDescribeStep()).with("db_instance", FakeRds.INSTANCE).apply().assertSucceeded();

        assertEquals("rds-ca-rsa2048-g1", r.output("ca_certificate_identifier"));
        assertEquals(2, aws.queryRequests("DescribeDBInstances").size());
    }

    @Test
    void throttlingBeyondTheRetryBudgetBecomesAnOperatorMessage() throws Exception {
        aws.rds.throttle.put("DescribeDBInstances", 10);

        StepRecording r = kit(new RdsDescribeStep(fastRetry())).with("db_instance", FakeRds.INSTANCE)
                .apply().assertFailed();

        assertEquals("rds:DescribeDBInstances on db instance 'payments-db' was still throttled after the SDK's retries "
                + "(Throttling: Rate exceeded); wait and retry, or lower the request rate", r.error());
        assertEquals(3, aws.queryRequests("DescribeDBInstances").size(), "the SDK's standard 3 attempts");
    }

    @Test
    void unknownInstanceSaysWhichCallAndWhatToCheck() throws Exception {
        StepRecording r = kit(new RdsDescribeStep(fastRetry())).with("db_instance", "payments-dbx")
                .apply().assertFailed();

        assertEquals("rds:DescribeDBInstances: db instance 'payments-dbx' was not found "
                + "(DBInstanceNotFound: DBInstance payments-dbx not found.); check the name and the region", r.error());
    }

    @Test
    void deniedDescribeNamesThePermission() throws Exception {
        aws.rds.denied.add("DescribeCertificates");

        StepRecording r = kit(new RdsCertificatesStep(fastRetry())).apply().assertFailed();

        assertTrue(r.error().startsWith("rds:DescribeCertificates on the region's certificate authorities was denied: "
                + "the credentials in use need IAM permission rds:DescribeCertificates"), r.error());
        assertFalse(r.error().contains("\n"));
    }

    @Test
    void unreachableEndpointIsOneLineNotAStackTrace() throws Exception {
        StepRecording r = StepTestKit.of(new RdsDescribeStep(fastRetry())).with("db_instance", FakeRds.INSTANCE)
                .with("region", "us-east-1").with("endpoint", "http://127.0.0.1:1").apply().assertFailed();

        assertTrue(r.error().startsWith("rds:DescribeDBInstances on db instance 'payments-db' could not reach AWS: "),
                r.error());
        assertFalse(r.error().contains("\n"));
    }

    @Test
    void badEndpointInputIsRejectedBeforeAnyCall() throws Exception {
        StepRecording r = StepTestKit.of(new RdsDescribeStep(fastRetry())).with("db_instance", FakeRds.INSTANCE)
                .with("region", "us-east-1").with("endpoint", "localhost-no-scheme").apply().assertFailed();

        assertTrue(r.error().startsWith("input 'endpoint': 'localhost-no-scheme' must be an absolute URL"), r.error());
    }
}
