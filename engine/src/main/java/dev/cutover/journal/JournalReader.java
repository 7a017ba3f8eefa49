package dev.cutover.journal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a journal file into events, tolerating (and reporting) a torn last line. */
public final class JournalReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JournalReader() {
    }

    /**
     * @param events     the complete events
     * @param tornTail   the incomplete last line (no newline, or not JSON) if any, else null
     * @param validBytes the length of the file up to and including the last complete line
     */
    public record ReadResult(List<JournalEvent> events, String tornTail, long validBytes) {
    }

    /** Reads every complete line; a last line without newline or not parseable is returned as torn. */
    public static ReadResult read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<JournalEvent> events = new ArrayList<>();
        int start = 0;
        long valid = 0;
        String torn = null;
        while (start < bytes.length) {
            int nl = indexOf(bytes, start);
            if (nl < 0) {
                torn = new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
                break;
            }
            String line = new String(bytes, start, nl - start, StandardCharsets.UTF_8);
            try {
                events.add(parse(line));
            } catch (IOException e) {
                if (nl == bytes.length - 1) {
                    torn = line;
                    break;
                }
                throw new IOException(file + ": line " + (events.size() + 1) + " is not a journal event: "
                        + e.getMessage(), e);
            }
            start = nl + 1;
            valid = start;
        }
        return new ReadResult(events, torn, valid);
    }

    /** Parses one line. */
    public static JournalEvent parse(String line) throws IOException {
        Map<String, Object> m;
        try {
            m = MAPPER.readValue(line, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new IOException("not JSON (" + dev.cutover.spi.ErrorText.of(e) + ")", e);
        }
        if (m == null || !(m.get("seq") instanceof Number) || !(m.get("event") instanceof String)) {
            throw new IOException("missing seq or event");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data = m.get("data") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
        return new JournalEvent(((Number) m.get("seq")).longValue(), str(m.get("time")), str(m.get("run")),
                str(m.get("event")), str(m.get("step")), str(m.get("section")),
                m.get("attempt") instanceof Number n ? n.intValue() : null, str(m.get("operator")), data,
                str(m.get("prev")), str(m.get("hash")));
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
