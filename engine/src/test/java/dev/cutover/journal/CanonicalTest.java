package dev.cutover.journal;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CanonicalTest {

    private static String jackson(Object v) throws Exception {
        return Canonical.MAPPER.writeValueAsString(v);
    }

    @Test
    void writesEveryCharacterBelowSpaceAndTheEscapedOnesLikeJackson() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            all.append(c);
        }
        all.append("ü ß € \u2028 \u2029 😀 / </script>");
        Map<String, Object> m = Map.of(all.toString(), all.toString(), "k\"ey", List.of("\\", "\"", ""));
        assertEquals(jackson(m), Canonical.encode(m));
    }

    @Test
    void sortsKeysAtEveryLevelAndKeepsNulls() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("zeta", null);
        inner.put("Alpha", Long.MAX_VALUE);
        inner.put("alpha", Integer.MIN_VALUE);
        inner.put("", true);
        Map<String, Object> m = new HashMap<>();
        m.put("b", List.of(inner, List.of(), Map.of()));
        m.put("a", inner);
        m.put("é", false);
        m.put("B", new TreeMap<>(Map.of("y", 1, "x", 2)));
        assertEquals(jackson(m), Canonical.encode(m));
    }

    @Test
    void leavesOtherTypesToJackson() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("d", 1.5);
        m.put("t", Instant.ofEpochSecond(0).toString());
        m.put("p", Path.of("/tmp/x").toString());
        m.put("arr", new int[] {1, 2});
        m.put("big", new java.math.BigDecimal("1.10"));
        Map<Object, Object> intKeys = new HashMap<>();
        intKeys.put(2, "two");
        intKeys.put(10, "ten");
        m.put("ik", intKeys);
        m.put("sorted", new TreeMap<String, Object>(java.util.Comparator.reverseOrder()));
        assertEquals(jackson(m), Canonical.encode(m));
        assertEquals(jackson(1.25), Canonical.encode(1.25));
    }

    @Test
    void randomStructuresEncodeLikeJackson() throws Exception {
        Random r = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            Object v = random(r, 0);
            assertEquals(jackson(v), Canonical.encode(v), () -> "value " + v);
        }
    }

    private static Object random(Random r, int depth) {
        int kind = depth > 3 ? r.nextInt(5) : r.nextInt(7);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return r.nextBoolean();
            case 2:
                return r.nextBoolean() ? (Object) r.nextInt() : (Object) r.nextLong();
            case 3:
            case 4:
                return randomString(r);
            case 5: {
                Map<String, Object> m = r.nextBoolean() ? new LinkedHashMap<>() : new HashMap<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    m.put(randomString(r), random(r, depth + 1));
                }
                return m;
            }
            default: {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    l.add(random(r, depth + 1));
                }
                return r.nextBoolean() ? l : Arrays.asList(l.toArray());
            }
        }
    }

    private static String randomString(Random r) {
        char[] pool = {'a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\r', '\b', '\f', 0, 0x1f, 0x7f, 'ü', '€',
            '\u2028', '\ud83d', '\ude00'};
        char[] c = new char[r.nextInt(8)];
        for (int i = 0; i < c.length; i++) {
            c[i] = pool[r.nextInt(pool.length)];
        }
        return new String(c);
    }
}
