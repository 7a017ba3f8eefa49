package dev.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpiryCommandTest {
    @TempDir
    static Path dir;
    static Path p12;
    static Path jks;
    static Path rdsBundle;
    static final Map<String, String> PW = Map.of("STORE_PW", Keytool.PASSWORD);

    /** Stores with certificates expiring in 5 and 50 days; the real AWS RDS global bundle. */
    @BeforeAll
    static void stores() throws IOException {
        Path soon = Keytool.certificate(dir, "soon.example", 0, 5);
        Path later = Keytool.certificate(dir, "later.example", 0, 50);
        p12 = dir.resolve("truststore.p12");
        Keytool.trust(p12, "PKCS12", "soon", soon);
        Keytool.trust(p12, "PKCS12", "later", later);
        jks = dir.resolve("truststore.jks");
        Keytool.trust(jks, "JKS", "later", later);
        rdsBundle = dir.resolve("aws-rds-global-bundle.pem");
        try (InputStream in = ExpiryCommandTest.class.getResourceAsStream("/aws-rds-global-bundle.pem")) {
            Files.copy(in, rdsBundle);
        }
    }

    private static CliRun expiry(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "expiry";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.withEnv(PW, all);
    }

    @Test
    void listsOnlyTheCertificateExpiringWithinTheWindowAndExitsOne() {
        CliRun r = expiry("--store", p12.toString(), "--password-env", "STORE_PW", "--within", "30d");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().startsWith("1 certificate(s) expire within 30d (2 certificate(s) checked in 1 source(s)):"),
                r.out());
        // valid for 5 days from a moment ago: 4 whole days left
        assertTrue(r.out().matches("(?s).*\\n        4  \\S+Z\\s+soon.example\\s+" + Pattern.quote(
                p12 + " [soon]") + "\\n.*"), r.out());
        assertFalse(r.out().contains("later.example"), r.out());
    }

    @Test
    void aWiderWindowListsBothSoonestFirstAndANarrowerOneNone() {
        CliRun wide = expiry("--store", p12.toString(), "--password-env", "STORE_PW", "--within", "60d");
        assertEquals(1, wide.exit(), wide.all());
        assertTrue(wide.out().indexOf("soon.example") < wide.out().indexOf("later.example")
                && wide.out().contains("later.example"), wide.out());
        CliRun narrow = expiry("--store", p12.toString(), "--password-env", "STORE_PW", "--within", "3d");
        assertEquals(0, narrow.exit(), narrow.all());
        assertTrue(narrow.out().startsWith("No certificate expires within 3d"), narrow.out());
    }

    @Test
    void readsAJksStoreWithoutItsPassword() {
        CliRun r = expiry("--store", jks.toString(), "--within", "60d");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("later.example") && r.out().contains("[later]"), r.out());
    }

    @Test
    void aWrongPasswordOrNoneForPkcs12IsAClearErrorAndExitTwo() {
        CliRun wrong = CliRun.withEnv(Map.of("STORE_PW", "nope"), "expiry", "--store", p12.toString(),
                "--password-env", "STORE_PW");
        assertEquals(2, wrong.exit(), wrong.all());
        assertTrue(wrong.err().contains("cannot open PKCS12 store " + p12 + ": the password is wrong"), wrong.err());
        CliRun none = expiry("--store", p12.toString());
        assertEquals(2, none.exit(), none.all());
        assertTrue(none.err().contains(p12.toString()) && none.err().contains("--password-env"), none.err());
        assertFalse(wrong.all().contains("nope"), "the password is never printed");
    }

    @Test
    void theRealRdsGlobalBundleHas28ExpiredCertificatesAndNothingElseDueSoon() {
        CliRun r = expiry("--bundle", rdsBundle.toString());
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().startsWith("28 certificate(s) expire within 30d (115 certificate(s) checked in 1 source(s), "
                + "28 already expired):"), r.out());
        List<String> rows = Arrays.stream(r.out().split("\n")).filter(l -> l.contains(rdsBundle.toString())).toList();
        assertEquals(28, rows.size(), r.out());
        assertTrue(rows.get(0).contains("2024-05-08T21:48:27Z") && rows.get(0).contains("me-south-1 Root CA"),
                rows.get(0));
        assertTrue(rows.get(27).contains("2025-06-01T12:00:00Z"), rows.get(27));
        assertTrue(rows.stream().allMatch(l -> l.trim().startsWith("-")), "all are already expired");

        CliRun live = expiry("--bundle", rdsBundle.toString(), "--ignore-expired", "--within", "365d");
        assertEquals(0, live.exit(), live.all());
        assertTrue(live.out().startsWith("No certificate expires within 365d (115 certificate(s) checked in 1 "
                + "source(s), 28 already expired, left out)."), live.out());
    }

    @Test
    void jsonListsEachExpiringCertificateWithDaysLeft() throws IOException {
        CliRun r = expiry("--bundle", rdsBundle.toString(), "--store", p12.toString(), "--password-env", "STORE_PW",
                "--output", "json");
        assertEquals(1, r.exit(), r.all());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(117, j.get("checked").asInt());
        assertEquals("30d", j.get("window").asText());
        assertEquals(29, j.get("expiring").size());
        JsonNode last = j.get("expiring").get(28);
        assertEquals("CN=soon.example,O=Example Bank", last.get("subject").asText());
        assertEquals(4, last.get("days_left").asInt());
        assertFalse(last.get("expired").asBoolean());
        assertTrue(j.get("expiring").get(0).get("expired").asBoolean());
        assertEquals(64 + 31, last.get("sha256").asText().length());
    }

    @Test
    void prometheusOutputIsValidTextExpositionWithEveryCertificate() {
        Path missing = dir.resolve("gone.p12");
        CliRun r = expiry("--bundle", rdsBundle.toString(), "--store", missing.toString(), "--output", "prometheus");
        assertEquals(2, r.exit(), "an unreadable source fails the job: " + r.all());
        Pattern sample = Pattern.compile("[a-z_]+(\\{([a-z_][a-z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*})? -?\\d+");
        for (String line : r.out().split("\n")) {
            assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || sample.matcher(line).matches(),
                    line);
        }
        assertEquals(115, r.out().lines().filter(l -> l.startsWith("cutover_certificate_not_after_seconds{")).count());
        assertTrue(r.out().contains("cutover_certificates_expiring{window_days=\"30\"} 28\n"), r.out());
        assertTrue(r.out().contains("cutover_certificate_source_up{source=\"" + missing + "\",kind=\"store\"} 0"),
                r.out());
        assertTrue(r.out().contains("subject=\"CN=Amazon RDS Root 2019 CA,OU=Amazon RDS,O=Amazon Web Services\\\\, Inc."
                + ",ST=Washington,L=Seattle,C=US\""), "backslashes escaped: " + r.out().substring(0, 2000));
        assertTrue(r.err().contains("cannot read " + missing + ": no such file"), r.err());
    }

    @Test
    void aPemWithTextBetweenCertificatesIsRead() throws IOException {
        Path soon = Keytool.certificate(dir, "pem-a.example", 0, 10);
        Path later = Keytool.certificate(dir, "pem-b.example", -100, 40);
        Path pem = dir.resolve("commented.pem");
        Files.writeString(pem, "# our CA bundle\n" + Files.readString(soon) + "\nsubject=pem-b\n"
                + Files.readString(later));
        CliRun r = expiry("--bundle", pem.toString(), "--within", "20d");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.out().contains("2 certificate(s) expire within 20d (2 certificate(s) checked in 1 source(s), 1 "
                + "already expired)"), r.out());
        assertTrue(r.out().indexOf("pem-b.example") < r.out().indexOf("pem-a.example"), "expired one first");
    }

    @Test
    void badOptionsAreInvalidInput() {
        assertEquals(2, expiry().exit());
        assertEquals(2, expiry("--bundle", rdsBundle.toString(), "--within", "soon").exit());
        assertEquals(2, expiry("--bundle", rdsBundle.toString(), "--output", "xml").exit());
        assertEquals(2, expiry("--rds-instance", "a", "--rds-instance", "b", "--region", "x", "--region", "y",
                "--region", "z").exit());
    }
}
