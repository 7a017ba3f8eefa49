package dev.cutover.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

/**
 * The canonical JSON encoding the hash chain is computed over: keys sorted, no whitespace, UTF-8.
 * The journal's own values (maps with string keys, lists, strings, integers, booleans, null) are
 * written directly, byte for byte as {@link #MAPPER} writes them; anything else goes through
 * {@link #MAPPER}. Every event is encoded twice (hash, line) on append and on verify, so this is
 * on the hot path of both.
 */
public final class Canonical {
    /** The mapper for canonical encoding; sorted keys, compact. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final int MAX_DEPTH = 200;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private Canonical() {
    }

    public static String encode(Object value) {
        StringBuilder sb = new StringBuilder(512);
        if (write(value, sb, 0)) {
            return sb.toString();
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode journal record: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes a value the way {@link #MAPPER} would; false when it holds a type left to Jackson. */
    private static boolean write(Object v, StringBuilder sb, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(s, sb);
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (v instanceof Integer || v instanceof Long) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Map<?, ?> m) {
            return map(m, sb, depth);
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                if (!write(o, sb, depth + 1)) {
                    return false;
                }
            }
            sb.append(']');
        } else {
            return false;
        }
        return true;
    }

    private static boolean map(Map<?, ?> m, StringBuilder sb, int depth) {
        String[] keys = new String[m.size()];
        int i = 0;
        for (Object k : m.keySet()) {
            if (!(k instanceof String s) || i == keys.length) {
                return false;
            }
            keys[i++] = s;
        }
        if (i != keys.length) {
            return false;
        }
        if (!(m instanceof SortedMap<?, ?>)) {
            // Jackson sorts a map that is not already sorted by its keys' natural order
            Arrays.sort(keys);
        } else if (((SortedMap<?, ?>) m).comparator() != null) {
            return false;
        }
        sb.append('{');
        for (int j = 0; j < keys.length; j++) {
            if (j > 0) {
                sb.append(',');
            }
            string(keys[j], sb);
            sb.append(':');
            if (!write(m.get(keys[j]), sb, depth + 1)) {
                return false;
            }
        }
        sb.append('}');
        return true;
    }

    /** A JSON string with Jackson's default escapes: quote, backslash and control characters. */
    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        int n = s.length();
        int from = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            sb.append(s, from, i);
            from = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                default -> sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        sb.append(s, from, n);
        sb.append('"');
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        MessageDigest md = SHA256.get();
        md.reset();
        return HexFormat.of().formatHex(md.digest(bytes));
    }
}
