package dev.cutover.aws;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsManagerSecretSourceTest {
    private static final String PASSWORD = "Tr0ub4dor-and-3-horses";
    private static final String USER = "payments_app_user";
    private static final String ID = "prod/payments/truststore";
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
    void storeSecrets() {
        aws.reset();
        aws.secrets.values.put(ID, "{\"username\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\",\"meta\":{\"a\":1}}");
        aws.secrets.values.put("prod/plain", PASSWORD);
    }

    private static SecretsManagerSecretSource source() {
        Map<String, String> env = Map.of("AWS_REGION", "us-east-1", "CUTOVER_AWS_ENDPOINT", aws.endpoint());
        return new SecretsManagerSecretSource(AwsClients.withBackoff(Duration.ofMillis(5)), env::get);
    }

    private static String failure(String reference) {
        return assertThrows(StepFailedException.class, () -> source().fetch(reference)).getMessage();
    }

    @Test
    void fetchesAPlainSecretString() throws Exception {
        Secret s = source().fetch("prod/plain");

        assertEquals(PASSWORD, s.reveal());
        assertEquals(1, aws.secrets.calls);
    }

    @Test
    void picksOneKeyOfAJsonSecretWhoseIdContainsColons() throws Exception {
        aws.secrets.values.put("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db", "{\"password\":\"p4ss-w0rd\"}");

        assertEquals(PASSWORD, source().fetch(ID + "#password").reveal());
        assertEquals("p4ss-w0rd",
                source().fetch("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db#password").reveal());
    }

    @Test
    void secretValuesNeverReachToStringMessagesOrSdkLogs() throws Exception {
        Logger sdk = (Logger) LoggerFactory.getLogger("software.amazon.awssdk");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        sdk.addAppender(logs);
        Level before = sdk.getLevel();
        sdk.setLevel(Level.DEBUG);
        try {
            Secret s = source().fetch(ID + "#password");
            assertEquals("***", s.toString());
            assertEquals("password=***", "password=" + s);

            String missing = failure(ID + "#passwd");
            String notJson = failure("prod/plain#password");
            String container = failure(ID + "#meta");
            assertEquals("aws-secretsmanager: secret 'prod/payments/truststore' in us-east-1 has no JSON key 'passwd'",
                    missing);
            assertTrue(notJson.contains("is not JSON, so '#password' cannot select a key"), notJson);
            assertTrue(container.contains("is an object or array"), container);
            for (String m : new String[] {missing, notJson, container}) {
                assertFalse(m.contains(PASSWORD) || m.contains(USER), m);
            }
        } finally {
            sdk.detachAppender(logs);
            sdk.setLevel(before);
        }
        assertFalse(logs.list.isEmpty(), "the SDK logged at DEBUG, so the check below means something");
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage();
            assertFalse(line.contains(PASSWORD) || line.contains(USER), line);
        }
    }

    @Test
    void accessDeniedNamesTheCallTheSecretAndKmsDecrypt() {
        aws.secrets.denied.add(ID);

        String m = failure(ID + "#password");

        assertTrue(m.startsWith("secretsmanager:GetSecretValue on secret 'prod/payments/truststore' in us-east-1 was "
                + "denied: the credentials in use need IAM permission secretsmanager:GetSecretValue"), m);
        assertTrue(m.endsWith("an encrypted secret also needs kms:Decrypt on its KMS key"), m);
    }

    @Test
    void missingSecretSaysNotFound() {
        String m = failure("prod/nope");

        assertEquals("secretsmanager:GetSecretValue: secret 'prod/nope' in us-east-1 was not found "
                + "(ResourceNotFoundException: Secrets Manager can't find the specified secret.); check the name and "
                + "the region", m);
    }

    @Test
    void malformedReferenceIsRejectedWithoutACall() {
        String m = failure("prod/plain#");

        assertTrue(m.startsWith("aws-secretsmanager: write the reference as aws-secretsmanager:<secret-id>"), m);
        assertEquals(0, aws.secrets.calls);
    }
}
