package dev.cutover.secrets;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Credential-like options are masked in a recorded command line whether or not they are registered secrets. */
class CommandLinesTest {

    @Test
    void masksPasswordLikeOptionsInAnArgv() {
        List<String> argv = List.of("/usr/bin/java", "-Djavax.net.ssl.trustStore=/etc/pki/ts.p12",
                "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.keyStorePassword=s3cr3t",
                "--password=hunter2", "--password", "hunter3", "-storepass", "hunter4", "PGPASSWORD=hunter5",
                "--db-url", "postgres://app:hunter6@db:5432/pay", "--api-key=k1", "--verbose", "-jar", "app.jar");
        assertEquals(List.of("/usr/bin/java", "-Djavax.net.ssl.trustStore=/etc/pki/ts.p12",
                "-Djavax.net.ssl.trustStorePassword=***", "-Djavax.net.ssl.keyStorePassword=***",
                "--password=***", "--password", "***", "-storepass", "***", "PGPASSWORD=***",
                "--db-url", "postgres://app:***@db:5432/pay", "--api-key=***", "--verbose", "-jar", "app.jar"),
                CommandLines.maskArguments(argv));
    }

    @Test
    void masksPasswordLikeAssignmentsInsideAScript() {
        assertEquals("PGPASSWORD=*** psql -h db --password *** && curl 'https://x/?token=***&a=1'",
                CommandLines.mask("PGPASSWORD=hunter2 psql -h db --password hunter3 && curl "
                        + "'https://x/?token=abc&a=1'"));
    }

    @Test
    void aLongOutputWithoutBoundariesIsScannedInOnePass() {
        String word = "a".repeat(200_000);
        assertEquals(word + " password=***", CommandLines.mask(word + " password=x"));
    }

    @Test
    void leavesOrdinaryOptionsAlone() {
        List<String> argv = List.of("java", "-Xmx512m", "-Dserver.port=8080", "--name", "payments", "-cp", "a.jar");
        assertEquals(argv, CommandLines.maskArguments(argv));
    }
}
