package dev.cutover.tls;

import dev.cutover.testkit.StepRecording;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpiryStepTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(StepRecording r, String key) {
        return (List<Map<String, Object>>) r.output(key);
    }

    @Test
    void theRdsBundleFailsBecauseOfTheExpired2019GenerationAndNamesThem() throws Exception {
        StepRecording r = StepTestKit.of(new ExpiryStep()).with("bundle", TestPki.rdsBundle()).with("days", 30)
                .apply().assertFailed();
        assertEquals(115, r.output("checked"));
        assertEquals(28, r.output("expired"));
        assertEquals(28, list(r, "failing").size());
        assertEquals("2024-05-08T21:48:27Z", list(r, "soonest").get(0).get("not_after"));
        assertTrue(r.error().contains("expired on 2024-05-08T21:48:27Z"), r.error());
        assertTrue(r.error().contains("ignore_expired: true"), r.error());
    }

    @Test
    void ignoringExpiredOnesTheG1CasLastForDecades() throws Exception {
        StepRecording r = StepTestKit.of(new ExpiryStep()).with("bundle", TestPki.rdsBundle()).with("days", 3650)
                .with("ignore_expired", true).with("show", 3).apply().assertSucceeded();
        List<Map<String, Object>> soonest = list(r, "soonest");
        assertEquals(3, soonest.size());
        assertTrue(soonest.get(0).get("not_after").toString().startsWith("2061-"), soonest.toString());
        assertEquals(List.of(), r.output("failing"));
    }

    @Test
    void failsForACertificateExpiringWithinTheWindowButNotOutsideIt() throws Exception {
        TestPki.Issued ca = TestPki.root("Soon Root", TestPki.rsa());
        Instant notAfter = Instant.now().plus(Duration.ofDays(10));
        TestPki.Issued soon = TestPki.server("soon.internal", TestPki.ec(), ca, List.of("soon.internal"),
                Instant.now().minus(Duration.ofDays(1)), notAfter);
        Path pem = TestPki.writePem(dir.resolve("soon.pem"), soon.cert(), ca.cert());

        StepRecording failing = StepTestKit.of(new ExpiryStep()).with("store", pem).with("days", 30).apply().assertFailed();
        assertTrue(failing.error().contains("'soon.internal'") && failing.error().contains("expires on"), failing.error());
        assertEquals(1, list(failing, "failing").size());
        StepTestKit.of(new ExpiryStep()).with("store", pem).with("days", 5).apply().assertSucceeded();
    }

    @Test
    void usesTheGivenClockToDecide() throws Exception {
        Clock in2061 = Clock.fixed(Instant.parse("2061-01-01T00:00:00Z"), ZoneOffset.UTC);
        StepRecording r = StepTestKit.of(new ExpiryStep(in2061)).with("bundle", TestPki.rdsBundle())
                .with("subject_matches", "RSA2048 G1").with("ignore_expired", true).with("days", 365).apply().assertFailed();
        assertEquals(list(r, "failing").size(), list(r, "failing").stream()
                .filter(m -> m.get("not_after").toString().startsWith("2061-")).count());
        assertTrue(list(r, "failing").size() > 0);
    }

    @Test
    void wantsExactlyOneOfStoreAndBundle() throws Exception {
        StepRecording r = StepTestKit.of(new ExpiryStep()).apply().assertFailed();
        assertTrue(r.error().contains("exactly one of 'store' and 'bundle'"), r.error());
    }

    @Test
    void aFilterThatSelectsNothingIsAnErrorNotAPass() throws Exception {
        StepRecording r = StepTestKit.of(new ExpiryStep()).with("bundle", TestPki.rdsBundle())
                .with("subject_matches", "RSA2048 G2").apply().assertFailed();
        assertTrue(r.error().contains("no certificate to check") && r.error().contains("'subject_matches'"), r.error());
    }
}
