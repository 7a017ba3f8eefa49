package dev.cutover.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.spi.Plan;
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

class SsmRunCommandStepTest {
    private static final List<String> FLEET = List.of("i-0aaa", "i-0bbb", "i-0ccc");
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
    void oneOfThreeInstancesFails() {
        aws.reset();
        aws.ssm.outcomes.put("i-0bbb", new FakeSsm.Outcome("Failed", 3,
                "importing 115 certificates\nkeytool error: java.io.IOException: keystore password was incorrect\n"));
        aws.ssm.tagged.put("tag:Role=payments", FLEET);
    }

    private static StepTestKit kit() {
        return StepTestKit.of(new SsmRunCommandStep(AwsClients.withBackoff(Duration.ofMillis(5))))
                .with("region", "us-east-1").with("endpoint", aws.endpoint())
                .with("commands", List.of("/opt/payments/bin/import-rds-ca.sh", "systemctl restart payment-service"))
                .with("poll_interval", "10ms").with("deadline", "10s");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> instances(StepRecording r) {
        return (List<Map<String, Object>>) r.output("instances");
    }

    @Test
    void failsWhenOneOfThreeInstancesFailsAndMaxErrorsIsZero() throws Exception {
        StepRecording r = kit().with("instance_ids", FLEET).with("max_concurrency", "1").apply().assertFailed();

        assertTrue(r.error().startsWith("ssm:SendCommand AWS-RunShellScript failed on 1 of 3 instances, more than "
                + "max_errors 0 allows: i-0bbb Failed exit 3: keytool error: java.io.IOException: keystore password "
                + "was incorrect (command "), r.error());
        List<Map<String, Object>> all = instances(r);
        assertEquals(FLEET, all.stream().map(i -> i.get("instance_id")).toList());
        assertEquals(List.of("Success", "Failed", "Success"), all.stream().map(i -> i.get("status")).toList());
        assertEquals(3, all.get(1).get("exit_code"));
        assertEquals(1L, r.output("failed"));
        assertEquals("Failed", r.output("status"));

        JsonNode sent = aws.ssm.sent.get(0);
        assertEquals("AWS-RunShellScript", sent.path("DocumentName").asText());
        assertEquals("systemctl restart payment-service", sent.path("Parameters").path("commands").get(1).asText());
        assertEquals("1", sent.path("MaxConcurrency").asText());
        assertEquals("0", sent.path("MaxErrors").asText());
        assertEquals(3, sent.path("InstanceIds").size());
        assertTrue(aws.operations().stream().filter("ListCommands"::equals).count() >= 3, "polled while InProgress");
    }

    @Test
    void toleratesTheFailureWithinMaxErrorsButReportsIt() throws Exception {
        StepRecording r = kit().with("instance_ids", FLEET).with("max_errors", "1").apply().assertSucceeded();
        dev.cutover.testkit.DeclaredOutputs.assertMatch(new SsmRunCommandStep(), r);

        assertEquals(2L, r.output("succeeded"));
        assertEquals(1L, r.output("failed"));
        assertEquals("Failed", instances(r).get(1).get("status"));
    }

    @Test
    void sendsToTagTargetsAndKeepsOnlyTheOutputTail() throws Exception {
        StepRecording r = kit().with("targets", Map.of("tag:Role", List.of("payments"))).with("max_errors", "34%")
                .with("output_lines", 1).apply().assertSucceeded();

        JsonNode target = aws.ssm.sent.get(0).path("Targets").get(0);
        assertEquals("tag:Role", target.path("Key").asText());
        assertEquals("payments", target.path("Values").get(0).asText());
        assertTrue(aws.ssm.sent.get(0).path("InstanceIds").isMissingNode());
        assertEquals("keytool error: java.io.IOException: keystore password was incorrect",
                instances(r).get(1).get("output_tail"));
    }

    @Test
    void planListsTheMatchingInstancesAndSendsNothing() throws Exception {
        Plan plan = kit().with("targets", Map.of("tag:Role", List.of("payments"))).plan();

        String changes = String.join("\n", plan.changes());
        assertTrue(changes.contains("$ systemctl restart payment-service"), changes);
        assertTrue(changes.contains("i-0bbb (Online, i-0bbb.internal)"), changes);
        assertEquals(List.of("DescribeInstanceInformation"), aws.operations());
        assertTrue(aws.ssm.sent.isEmpty());
    }

    @Test
    void planDoesNotGuessInstancesForNonTagTargets() throws Exception {
        Plan plan = kit().with("targets", Map.of("resource-groups:Name", List.of("payments-fleet"))).plan();

        assertTrue(plan.changes().contains("  (targets other than tags are resolved by SSM when the command is sent)"),
                plan.changes().toString());
        assertEquals(List.of(), aws.operations());
    }

    @Test
    void readonlyCommandRunsWithoutAnIntent() throws Exception {
        StepRecording r = kit().with("instance_ids", List.of("i-0aaa")).with("readonly", true).apply().assertSucceeded();

        assertEquals(List.of("step.started", "step.succeeded"), r.eventNames());
    }

    @Test
    void deniedSendCommandNamesThePermission() throws Exception {
        aws.ssm.denySend = true;

        StepRecording r = kit().with("instance_ids", FLEET).apply().assertFailed();

        assertTrue(r.error().startsWith("ssm:SendCommand on document AWS-RunShellScript to 3 instances i-0aaa, i-0bbb, "
                + "i-0ccc was denied: the credentials in use need IAM permission ssm:SendCommand"), r.error());
    }

    @Test
    void rejectsAmbiguousTargetsBeforeSending() throws Exception {
        StepRecording r = kit().with("instance_ids", FLEET).with("targets", Map.of("tag:Role", List.of("payments")))
                .apply().assertFailed();

        assertEquals("aws.ssm.run-command: give exactly one of 'instance_ids' or 'targets'", r.error());
        assertFalse(aws.operations().contains("SendCommand"));
    }

    @Test
    void cancelsAndFailsAtTheDeadline() throws Exception {
        aws.ssm.pollsInProgress = 100_000;

        StepRecording r = kit().with("instance_ids", FLEET).with("deadline", "200ms").apply().assertFailed();

        assertTrue(r.error().contains("did not finish within 200ms (status InProgress); cancelled command"), r.error());
        assertTrue(aws.operations().contains("CancelCommand"));
    }
}
