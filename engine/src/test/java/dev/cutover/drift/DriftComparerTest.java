package dev.cutover.drift;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriftComparerTest {
    static final String G1 = "L=Seattle,CN=Amazon RDS eu-west-1 Root CA RSA2048 G1,ST=WA,OU=Amazon RDS,"
            + "O=Amazon Web Services\\, Inc.,C=US";
    static final String ROOT_2019 = "CN=Amazon RDS Root 2019 CA,OU=Amazon RDS,O=Amazon Web Services\\, Inc.,"
            + "ST=Washington,L=Seattle,C=US";
    static final String APP = "CN=payments.internal,O=Example Bank";

    static Map<String, Object> entry(String alias, String subject, String sha) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("alias", alias);
        e.put("kind", "trusted_cert");
        e.put("subject", subject);
        e.put("issuer", subject);
        e.put("not_after", "2061-05-22T00:00:00Z");
        e.put("sha256", sha);
        return e;
    }

    /** Outputs shaped like tls.store-inspect's. */
    static Map<String, Object> store(String path, String type, List<Map<String, Object>> entries) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("store", path);
        o.put("type", type);
        o.put("count", entries.size());
        o.put("entries", entries);
        return o;
    }

    static EnvironmentFacts env(String name, StepFact... facts) {
        Map<String, StepFact> m = new LinkedHashMap<>();
        for (StepFact f : facts) {
            m.put(f.stepId(), f);
        }
        return new EnvironmentFacts(name, "test", m);
    }

    static StepFact ok(String id, Map<String, Object> outputs) {
        return new StepFact(id, StepFact.OK, "", outputs);
    }

    private final DriftComparer comparer = new DriftComparer(DriftComparer.DEFAULT_IGNORES);

    @Test
    void namesExactlyTheMissingCaAndTheStoreTypeInPlainWords() {
        List<Map<String, Object>> all = List.of(entry("amazon rds eu-west-1 root ca rsa2048 g1", G1, "6F:7E:01"),
                entry("rds-2019", ROOT_2019, "F2:54:C7"), entry("app", APP, "AA:BB:CC"));
        List<Map<String, Object>> prodEntries = new ArrayList<>(all.subList(1, 3));
        DriftReport r = comparer.compare(List.of(
                env("staging", ok("truststore", store("/srv/staging/truststore.p12", "PKCS12", all))),
                env("prod", ok("truststore", store("/srv/prod/truststore.jks", "JKS", prodEntries)))));

        assertEquals(List.of("truststore.type", "truststore.entries[Amazon RDS eu-west-1 Root CA RSA2048 G1]"),
                r.differences().stream().map(Difference::key).toList(), r.toString());
        assertEquals("prod truststore lacks 'Amazon RDS eu-west-1 Root CA RSA2048 G1' that staging has (truststore)",
                r.differences().get(1).sentence());
        assertEquals("truststore.type differs: staging PKCS12, prod JKS", r.differences().get(0).sentence());
        assertEquals(1, r.exitCode());
    }

    @Test
    void identicalEnvironmentsMatchEvenWhenTheStorePathsDiffer() {
        List<Map<String, Object>> all = List.of(entry("a", G1, "6F:7E:01"), entry("b", ROOT_2019, "F2:54:C7"));
        DriftReport r = comparer.compare(List.of(
                env("staging", ok("truststore", store("/srv/staging/t.p12", "PKCS12", all))),
                env("prod", ok("truststore", store("/srv/prod/t.p12", "PKCS12", List.of(all.get(1), all.get(0)))))));
        assertEquals(List.of(), r.differences());
        assertEquals(0, r.exitCode());
        assertTrue(r.compared() >= 4, "compared " + r.compared());
    }

    @Test
    void sameSubjectWithADifferentCertificateIsADifferenceOfThatEntry() {
        DriftReport r = comparer.compare(List.of(
                env("staging", ok("t", store("s", "PKCS12", List.of(entry("a", G1, "6F:7E:01"))))),
                env("prod", ok("t", store("p", "PKCS12", List.of(entry("a", G1, "00:11:22")))))));
        assertEquals(1, r.differences().size());
        assertEquals("truststore entry 'Amazon RDS eu-west-1 Root CA RSA2048 G1' differs: staging sha256 6F:7E:01, "
                + "prod sha256 00:11:22", r.differences().get(0).sentence());
    }

    @Test
    void aStepThatFailedWithoutOutputIsAGapNamingEnvironmentAndStepAndItsFactsAreNotCompared() {
        DriftReport r = comparer.compare(List.of(
                env("staging", ok("t", store("s", "PKCS12", List.of(entry("a", G1, "6F:7E:01"))))),
                env("prod", new StepFact("t", StepFact.FAILED, "cannot read /srv/prod/t.p12: no such file",
                        Map.of()))));
        assertEquals(List.of(), r.differences());
        assertEquals(List.of(new Gap("prod", "t", "cannot read /srv/prod/t.p12: no such file")), r.gaps());
        assertEquals("could not gather facts in prod: step 't' failed: cannot read /srv/prod/t.p12: no such file",
                r.gaps().get(0).render());
        assertEquals(3, r.exitCode());
    }

    @Test
    void aCheckThatFailsInOneEnvironmentOnlyIsADifferenceWithItsMessage() {
        DriftReport r = comparer.compare(List.of(
                env("staging", ok("has-g1", Map.of("exit_code", 0))),
                env("prod", new StepFact("has-g1", StepFact.FAILED, "'grep' exited with 1\nmore", Map.of("exit_code",
                        1)))));
        assertEquals(List.of("has-g1"), r.differences().stream().map(Difference::key).toList(),
                "the failed step's outputs only repeat its status");
        assertEquals("step 'has-g1': staging ok, prod failed ('grep' exited with 1; more)",
                r.differences().get(0).sentence());
        assertEquals(1, r.exitCode());
    }

    @Test
    void aParsedBodyIsComparedOnceAndTimingsAreIgnoredByDefault() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("status", 200);
        a.put("body", "{\"db\":\"UP\",\"checked_ms\":66}");
        a.put("json", Map.of("db", "UP", "checked_ms", 66));
        Map<String, Object> b = new LinkedHashMap<>(a);
        b.put("body", "{\"db\":\"DOWN\",\"checked_ms\":110}");
        b.put("json", Map.of("db", "DOWN", "checked_ms", 110));
        DriftReport r = comparer.compare(List.of(env("staging", ok("app", a)), env("prod", ok("app", b))));
        assertEquals(List.of("app.json.db"), r.differences().stream().map(Difference::key).toList(), r.toString());
    }

    @Test
    void multiLineMessagesReadAsOneLine() {
        assertEquals("store is missing 2 of 2: CN=a, CN=b; import them", DriftComparer.oneLine(
                "store is missing 2 of 2:\n  - CN=a\n  - CN=b\nimport them\n"));
    }

    @Test
    void ignorePatternsCoverAKeyAndEverythingUnderIt() {
        DriftComparer c = new DriftComparer(List.of("*.host", "db.server_chain"));
        Map<String, Object> a = new LinkedHashMap<>(Map.of("host", "db.staging", "tls_protocol", "TLSv1.3"));
        a.put("server_chain", List.of(Map.of("subject", "CN=db.staging", "sha256", "01")));
        Map<String, Object> b = new LinkedHashMap<>(Map.of("host", "db.prod", "tls_protocol", "TLSv1.3"));
        b.put("server_chain", List.of(Map.of("subject", "CN=db.prod", "sha256", "02")));
        DriftReport r = c.compare(List.of(env("staging", ok("db", a)), env("prod", ok("db", b))));
        assertEquals(List.of(), r.differences(), r.toString());
        assertEquals(List.of("*.host", "db.server_chain"), r.ignored());
        DriftReport strict = new DriftComparer(List.of()).compare(List.of(env("staging", ok("db", a)),
                env("prod", ok("db", b))));
        assertEquals(List.of("db.host", "db.server_chain[db.staging]", "db.server_chain[db.prod]"),
                strict.differences().stream().map(Difference::key).toList());
        assertEquals("staging server chain lacks 'db.prod' that prod has (db)", strict.differences().get(2).sentence());
    }

    @Test
    void threeEnvironmentsNameEveryOneThatLacksAnEntry() {
        List<Map<String, Object>> all = List.of(entry("a", G1, "6F"), entry("b", ROOT_2019, "F2"));
        DriftReport r = comparer.compare(List.of(env("dev", ok("t", store("d", "PKCS12", all))),
                env("staging", ok("t", store("s", "PKCS12", all.subList(1, 2)))),
                env("prod", ok("t", store("p", "PKCS12", all.subList(1, 2))))));
        assertEquals("staging and prod truststore lacks 'Amazon RDS eu-west-1 Root CA RSA2048 G1' that dev has (t)",
                r.differences().get(0).sentence());
    }

    @Test
    void refusesFewerThanTwoEnvironmentsOrDuplicateNames() {
        assertThrows(IllegalArgumentException.class, () -> comparer.compare(List.of(env("a"))));
        assertThrows(IllegalArgumentException.class, () -> comparer.compare(List.of(env("a"), env("a"))));
    }
}
