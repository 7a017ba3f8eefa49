package dev.cutover.aws;

import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RdsSetCaStepTest {
    private static final String OLD = "rds-ca-rsa4096-g1";
    private static final String NEW = "rds-ca-rsa2048-g1";
    private static FakeAwsServer aws;

    @TempDir
    Path runDir;

    @BeforeAll
    static void startFakeAws() {
        aws = FakeAwsServer.start();
    }

    @AfterAll
    static void stopFakeAws() {
        aws.close();
    }

    @BeforeEach
    void putInstanceOnOldCa() {
        aws.reset();
        aws.rds.onCa(OLD);
    }

    private StepTestKit kit(String target) {
        return StepTestKit.of(new RdsSetCaStep(AwsClients.withBackoff(Duration.ofMillis(5))))
                .runDirectory(runDir)
                .with("db_instance", FakeRds.INSTANCE).with("target_ca", target)
                .with("region", "us-east-1").with("endpoint", aws.endpoint())
                .with("poll_interval", "10ms").with("deadline", "10s");
    }

    private static List<String> writes() {
        return aws.operations().stream().filter(o -> !o.startsWith("Describe") && !o.equals("GetCallerIdentity")).toList();
    }

    @Test
    void planMakesOnlyReadCallsAndShowsFromToRestartAndPreviousCaValidity() throws Exception {
        Plan plan = kit(NEW).plan();

        assertTrue(plan.summary().contains(OLD + " → " + NEW), plan.summary());
        String changes = String.join("\n", plan.changes());
        assertTrue(changes.contains("ApplyImmediately=true"), changes);
        assertTrue(changes.contains("restart: YES"), changes);
        assertTrue(changes.contains("undo: back to " + OLD + ", valid till 2121-05-25T23:38:31Z"), changes);
        assertTrue(changes.contains("account 123456789012"), changes);
        assertEquals(List.of(), writes(), "plan must not send any write call");
        assertTrue(aws.operations().contains("DescribeDBInstances"));
        assertTrue(aws.queryRequests("ModifyDBInstance").isEmpty());
        assertEquals(OLD, aws.rds.ca);
    }

    @Test
    void planSaysNoRestartWhenRotationRestartIsOff() throws Exception {
        Plan plan = kit(NEW).with("certificate_rotation_restart", false).plan();

        assertTrue(String.join("\n", plan.changes()).contains("restart: no (certificate_rotation_restart: false)"),
                plan.changes().toString());
    }

    @Test
    void appliesImmediatelyRecordsThePreviousCaAndWaitsUntilAvailable() throws Exception {
        StepTestKit kit = kit(NEW);
        StepRecording r = kit.apply().assertSucceeded();
        dev.cutover.testkit.DeclaredOutputs.assertMatch(new RdsSetCaStep(), r);

        assertEquals(List.of("step.started", "step.intent", "step.succeeded"), r.eventNames());
        assertEquals(OLD, r.intent().string("previous_ca"));
        assertEquals("2121-05-25T23:38:31Z", r.intent().string("previous_ca_valid_till"));
        assertEquals(NEW, r.output("ca_certificate_identifier"));
        assertEquals(NEW, r.output("certificate_ca_identifier"));
        assertEquals("available", r.output("status"));
        assertNull(r.output("pending_ca"));
        assertEquals(OLD, r.output("previous_ca"));

        List<Map<String, String>> modifies = aws.queryRequests("ModifyDBInstance");
        assertEquals(1, modifies.size());
        assertEquals(FakeRds.INSTANCE, modifies.get(0).get("DBInstanceIdentifier"));
        assertEquals(NEW, modifies.get(0).get("CACertificateIdentifier"));
        assertEquals("true", modifies.get(0).get("ApplyImmediately"));
        assertFalse(modifies.get(0).containsKey("CertificateRotationRestart"));
        aws.wireMock().verify(1, postRequestedFor(urlEqualTo("/"))
                .withFormParam("Action", equalTo("ModifyDBInstance"))
                .withFormParam("CACertificateIdentifier", equalTo(NEW))
                .withFormParam("ApplyImmediately", equalTo("true")));
        assertTrue(aws.queryRequests("DescribeDBInstances").size() >= 1 + aws.rds.describesWhileModifying,
                "waited through the modifying describes");
        assertTrue(kit.notes().stream().anyMatch(n -> n.contains("status is modifying")), kit.notes().toString());
        assertEquals(NEW, aws.rds.ca);
    }

    @Test
    void sendsCertificateRotationRestartOnlyWhenGiven() throws Exception {
        kit(NEW).with("certificate_rotation_restart", false).apply().assertSucceeded();

        assertEquals("false", aws.queryRequests("ModifyDBInstance").get(0).get("CertificateRotationRestart"));
    }

    @Test
    void applyImmediatelyFalseLeavesTheChangePendingAndAssertCaNamesThePendingValue() throws Exception {
        StepRecording r = kit(NEW).with("apply_immediately", false).apply().assertSucceeded();

        assertEquals(NEW, r.output("pending_ca"));
        assertEquals(OLD, r.output("ca_certificate_identifier"));
        assertEquals("false", aws.queryRequests("ModifyDBInstance").get(0).get("ApplyImmediately"));

        StepRecording check = StepTestKit.of(new RdsAssertCaStep(AwsClients.withBackoff(Duration.ofMillis(5))))
                .with("db_instance", FakeRds.INSTANCE).with("expected_ca", NEW)
                .with("region", "us-east-1").with("endpoint", aws.endpoint())
                .apply().assertFailed();
        assertTrue(check.error().contains("PendingModifiedValues.CACertificateIdentifier is " + NEW
                + " (queued, not applied; was ApplyImmediately false?)"), check.error());
        assertTrue(check.error().contains("CACertificateIdentifier is " + OLD), check.error());
    }

    @Test
    void undoMovesTheInstanceBackToThePreviousCa() throws Exception {
        StepTestKit kit = kit(NEW);
        StepRecording applied = kit.apply().assertSucceeded();

        StepRecording undone = kit.undo(applied).assertSucceeded();

        assertEquals(List.of("undo.started", "undo.succeeded"), undone.eventNames());
        List<Map<String, String>> modifies = aws.queryRequests("ModifyDBInstance");
        assertEquals(2, modifies.size());
        assertEquals(OLD, modifies.get(1).get("CACertificateIdentifier"));
        assertEquals("true", modifies.get(1).get("ApplyImmediately"));
        assertEquals(OLD, aws.rds.ca);
        assertEquals("available", aws.rds.status);
    }

    @Test
    void undoRefusesWhenThePreviousCaHasExpired() throws Exception {
        aws.rds.onCa("rds-ca-2019");
        StepTestKit kit = kit(NEW);
        StepRecording applied = kit.apply().assertSucceeded();
        assertEquals("2024-08-22T17:08:50Z", applied.intent().string("previous_ca_valid_till"));

        StepRecording undone = kit.undo(applied).assertFailed();

        assertTrue(undone.error().startsWith("undo refused: the previous CA rds-ca-2019 expired at 2024-08-22T17:08:50Z"),
                undone.error());
        assertTrue(undone.error().contains("stays on " + NEW), undone.error());
        assertEquals(1, aws.queryRequests("ModifyDBInstance").size(), "no second ModifyDBInstance");
        assertEquals(NEW, aws.rds.ca);
    }

    @Test
    void unknownTargetCaFailsBeforeAnyChangeNamingTheCall() throws Exception {
        StepRecording r = kit("rds-ca-bogus").apply().assertFailed();

        assertTrue(r.error().startsWith("rds:DescribeCertificates: 'rds-ca-bogus' is not an RDS certificate authority"),
                r.error());
        assertTrue(aws.queryRequests("ModifyDBInstance").isEmpty());
    }

    @Test
    void modifyWithAnUnknownCaIsRejectedByRdsAndReportedInOneLine() throws Exception {
        AwsClients clients = AwsClients.withBackoff(Duration.ofMillis(5));
        try (AwsClients.Handle<software.amazon.awssdk.services.rds.RdsClient> rds =
                     clients.rds(clients.target("us-east-1", null, aws.endpoint()))) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.cutover.spi.StepFailedException.class,
                    () -> CaChange.modify(rds.client(), FakeRds.INSTANCE, "rds-ca-bogus",
                            new CaChange.Settings(true, null, Duration.ofMillis(10), Duration.ofSeconds(1))));
            assertEquals("rds:ModifyDBInstance: db instance 'payments-db' (CA rds-ca-bogus) was not found "
                    + "(CertificateNotFound: Certificate not found: rds-ca-bogus); check the name and the region",
                    e.getMessage());
        }
        assertEquals("rds-ca-bogus", aws.queryRequests("ModifyDBInstance").get(0).get("CACertificateIdentifier"));
        assertEquals(OLD, aws.rds.ca);
    }

    @Test
    void accessDeniedBecomesOneLineNamingCallResourceAndPermission() throws Exception {
        aws.rds.denied.add("ModifyDBInstance");

        StepRecording r = kit(NEW).apply().assertFailed();

        assertTrue(r.error().startsWith("rds:ModifyDBInstance on db instance 'payments-db' (CA " + NEW + ") was denied: "
                + "the credentials in use need IAM permission rds:ModifyDBInstance"), r.error());
        assertFalse(r.error().contains("\n"), "one line");
        assertFalse(r.error().contains("Exception"), r.error());
        String journal = Files.readString(r.journal());
        assertTrue(journal.contains("was denied"), "failure journaled");
        assertEquals(OLD, aws.rds.ca);
    }

    @Test
    void alreadyOnTheTargetIsUnchangedAndSendsNoModify() throws Exception {
        aws.rds.onCa(NEW);

        StepRecording r = kit(NEW).apply().assertSucceeded();

        assertEquals(List.of("step.started", "step.intent", "step.unchanged"), r.eventNames());
        assertTrue(aws.queryRequests("ModifyDBInstance").isEmpty());
    }

    @Test
    void probeSaysDoneOnTheTargetAndNotDoneOnThePreviousCa() throws Exception {
        StepTestKit kit = kit(NEW);
        StepRecording applied = kit.apply().assertSucceeded();
        assertEquals(ProbeResult.DONE, kit.probe(applied));

        aws.rds.onCa(OLD);
        assertEquals(ProbeResult.NOT_DONE, kit.probe(applied));

        aws.rds.onCa("rds-ca-ecc384-g1");
        assertEquals(ProbeResult.UNKNOWN, kit.probe(applied));
    }

    @Test
    void failsAtTheDeadlineWhenTheInstanceStaysModifying() throws Exception {
        aws.rds.describesWhileModifying = 100_000;

        StepRecording r = kit(NEW).with("deadline", "300ms").apply().assertFailed();

        assertTrue(r.error().contains("did not finish moving to CA " + NEW + " within 300ms"), r.error());
        assertTrue(r.error().contains("status is modifying; PendingModifiedValues.CACertificateIdentifier is " + NEW
                + "; raise 'deadline'"), r.error());
        assertEquals("modifying", r.output("status"));
    }
}
