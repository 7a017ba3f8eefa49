package dev.cutover.secrets;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The masker finds a secret in each form a step can print it. */
class MaskerTest {
    private static final String SECRET = "Pa\"ss\\w0rd x/y+z&=é";

    private static Masker masker() {
        Masker m = new Masker();
        m.register(SECRET);
        return m;
    }

    private static void assertHidden(String printed) {
        String masked = masker().mask("before " + printed + " after");
        assertEquals("before *** after", masked, "for " + printed);
    }

    @Test
    void masksTheSecretAsIs() {
        assertHidden(SECRET);
    }

    @Test
    void masksTheJsonEscapedSecretAsJacksonAndPythonWriteIt() throws Exception {
        String jackson = new ObjectMapper().writeValueAsString(SECRET);
        assertHidden(jackson.substring(1, jackson.length() - 1));
        assertHidden("Pa\\\"ss\\\\w0rd x\\/y+z&=\\u00e9"); // Python json.dumps, slashes escaped
        assertHidden("Pa\\u0022ss\\u005Cw0rd x/y+z&=\\u00E9");
    }

    @Test
    void masksTheUrlEncodedSecretInBothSpaceForms() {
        String plus = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
        assertTrue(plus.contains("+"), plus);
        assertHidden(plus);
        assertHidden(plus.replace("+", "%20"));
        assertHidden(plus.toLowerCase(java.util.Locale.ROOT).replace("pa", "Pa").replace("w0rd", "w0rd"));
    }

    @Test
    void masksTheBase64OfTheSecretAloneAndInsideALongerEncodedText() {
        Masker m = masker();
        byte[] bytes = SECRET.getBytes(StandardCharsets.UTF_8);
        for (String prefix : List.of("", "u", "us", "user:")) {
            byte[] all = (prefix + SECRET + ":tail").getBytes(StandardCharsets.UTF_8);
            for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String encoded = enc.encodeToString(all);
                String masked = m.mask("Authorization: Basic " + encoded);
                assertTrue(masked.contains("***"), masked);
                assertFalse(masked.contains(enc.encodeToString(bytes).substring(4, 12)), masked);
            }
        }
    }

    @Test
    void masksThePieceOfASecretAtACutEdge() {
        Masker m = masker();
        String tail = "[4096 bytes cut]" + SECRET.substring(5) + "\nmore output";
        assertEquals("[4096 bytes cut]***\nmore output", m.mask(tail));
        String head = "a long line ending in " + SECRET.substring(0, 4) + "...";
        assertEquals("a long line ending in ***...", m.mask(head));
        String utf8Cut = "[3 bytes cut]\uFFFD" + SECRET.substring(3);
        assertEquals("[3 bytes cut]\uFFFD***", m.mask(utf8Cut));
    }

    @Test
    void masksALongSecretSuchAsAPrivateKeyAsIsAndJsonEscaped() throws Exception {
        StringBuilder pem = new StringBuilder("-----BEGIN PRIVATE KEY-----\n");
        java.util.Random r = new java.util.Random(7);
        for (int line = 0; line < 40; line++) {
            for (int i = 0; i < 64; i++) {
                pem.append((char) ('A' + r.nextInt(26)));
            }
            pem.append('\n');
        }
        String key = pem.append("-----END PRIVATE KEY-----\n").toString();
        Masker m = new Masker();
        m.register(key); // a per-character pattern this long overflowed the stack when compiled
        assertEquals("a *** b", m.mask("a " + key + " b"));
        String json = new ObjectMapper().writeValueAsString(key);
        assertEquals("{\"k\": ***}", m.mask("{\"k\": \"" + json.substring(1, json.length() - 1) + "\"}")
                .replace("\"***\"", "***"));
        String b64 = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
        assertTrue(m.mask(b64).contains("***"));
    }

    @Test
    void leavesOrdinaryTextAlone() {
        Masker m = masker();
        for (String s : List.of("Password accepted", "ss w0rd", "x/y+z", "[12 bytes cut]ordinary...", "{\"a\": 1}",
                "a3f9c1e0" + "d".repeat(56))) {
            assertEquals(s, m.mask(s));
        }
    }

    @Test
    void shortSecretsAreMaskedOnlyAsWholeValuesButStillInMaps() {
        Masker m = new Masker();
        m.register("ab");
        assertEquals("***", m.mask("ab"));
        assertEquals("abc", m.mask("abc"));
        assertEquals(Map.of("k", "***"), m.maskValue(Map.of("k", "ab")));
    }

    @Test
    void aVariableHoldingASecretIsNotInherited() {
        Masker m = new Masker();
        m.register("inherit-me-not-7f3a");
        SecretEnvironment.sourceRead("SOME_TOKEN_SOURCE");
        assertTrue(SecretEnvironment.holdsSecret("ANY", "inherit-me-not-7f3a"));
        assertTrue(SecretEnvironment.holdsSecret("URL", "postgres://u:inherit-me-not-7f3a@db/x"));
        assertTrue(SecretEnvironment.holdsSecret("SOME_TOKEN_SOURCE", "x"));
        assertFalse(SecretEnvironment.holdsSecret("PATH", "/usr/bin:/bin"));
        java.util.Map<String, String> env = new java.util.HashMap<>(Map.of("A", "inherit-me-not-7f3a", "B", "fine"));
        SecretEnvironment.removeSecrets(env);
        assertEquals(Map.of("B", "fine"), env);
    }
}
