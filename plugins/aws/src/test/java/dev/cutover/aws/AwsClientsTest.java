package dev.cutover.aws;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwsClientsTest {
    private static FakeAwsServer aws;
    private String configBefore;
    private String credentialsBefore;

    @TempDir
    Path home;

    @BeforeAll
    static void startFakeAws() {
        aws = FakeAwsServer.start();
    }

    @AfterAll
    static void stopFakeAws() {
        aws.close();
    }

    @BeforeEach
    void writeProfileFiles() throws Exception {
        aws.reset();
        Path config = home.resolve("config");
        Path credentials = home.resolve("credentials");
        Files.writeString(config, "[profile rehearsal]\nregion = us-east-1\n\n[profile elsewhere]\nregion = eu-west-1\n");
        Files.writeString(credentials, "[rehearsal]\naws_access_key_id = " + FakeAwsServer.ACCESS_KEY
                + "\naws_secret_access_key = from-the-profile\n\n[elsewhere]\naws_access_key_id = AKIDOTHERACCOUNT\n"
                + "aws_secret_access_key = other\n");
        configBefore = System.setProperty("aws.configFile", config.toString());
        credentialsBefore = System.setProperty("aws.sharedCredentialsFile", credentials.toString());
    }

    @AfterEach
    void restoreProfileFiles() {
        System.setProperty("aws.configFile", configBefore);
        System.setProperty("aws.sharedCredentialsFile", credentialsBefore);
    }

    private static StepTestKit describe() {
        return StepTestKit.of(new RdsDescribeStep(AwsClients.withBackoff(Duration.ofMillis(5))))
                .with("db_instance", FakeRds.INSTANCE).with("endpoint", aws.endpoint());
    }

    @Test
    void profileInputSuppliesCredentialsAndRegion() throws Exception {
        StepRecording r = describe().with("profile", "rehearsal").apply().assertSucceeded();

        assertEquals("available", r.output("status"));
    }

    @Test
    void profileCredentialsAreReallyUsedForSigning() throws Exception {
        StepRecording r = describe().with("profile", "elsewhere").with("region", "us-east-1").apply().assertFailed();

        assertTrue(r.error().startsWith("rds:DescribeDBInstances on db instance 'payments-db': AWS rejected the "
                + "credentials (IncompleteSignature: "), r.error());
        assertTrue(r.error().contains("AKIDOTHERACCOUNT"), "the fake saw the profile's key: " + r.error());
    }

    @Test
    void missingRegionIsAnOperatorMessage() throws Exception {
        StepRecording r = describe().apply().assertFailed();

        assertEquals("no AWS region: set the step's 'region' input, AWS_REGION, or a region in the profile", r.error());
        assertTrue(aws.operations().isEmpty());
    }
}
