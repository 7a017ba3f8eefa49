package dev.cutover.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.function.Function;

/**
 * The one configured Jackson mapper for everything cutover prints or writes as JSON for people and tools
 * (the run summary of {@code --output json}, the report, drift, expiry, rehearsal, lint, validate, runs,
 * steps, verify). Each output is a record serialised by it; its policy, in one place:
 * <ul>
 *   <li><b>names</b>: record components in {@code snake_case} ({@code durationMs} is {@code duration_ms});
 *       a component that needs another name says so with {@code @JsonProperty};</li>
 *   <li><b>order</b>: the record's component order (or its {@code @JsonPropertyOrder}); maps keep their
 *       own iteration order, so callers pass ordered maps;</li>
 *   <li><b>nulls</b>: every field is always present, {@code null} when it has no value;</li>
 *   <li><b>times</b>: an {@link Instant} is ISO-8601 UTC with milliseconds ({@code 2026-11-26T15:43:46.518Z});
 *       a {@link Path} is its string form;</li>
 *   <li><b>layout</b>: {@link #pretty} (two-space indentation, what every command prints) or {@link #compact}
 *       (one line).</li>
 * </ul>
 * The journal's canonical encoding, which its hash chain covers, is not this: see
 * {@link dev.cutover.journal.Canonical}.
 */
public final class JsonOutput {
    /** Instants as {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, always three fraction digits, always UTC. */
    public static final DateTimeFormatter INSTANT = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS))
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .addModule(new SimpleModule("cutover-output")
                    .addSerializer(Instant.class, new TextSerializer<>(Instant.class, INSTANT::format))
                    .addSerializer(Path.class, new TextSerializer<>(Path.class, Path::toString)))
            .build();

    private JsonOutput() {
    }

    /** The value as indented JSON, without a trailing line break. */
    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName() + " as JSON", e);
        }
    }

    /** The value as JSON on one line. */
    public static String compact(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName() + " as JSON", e);
        }
    }

    /** Writes a value as the string {@code text} makes of it. */
    private static final class TextSerializer<T> extends StdSerializer<T> {
        private static final long serialVersionUID = 1L;
        private final transient Function<T, String> text;

        TextSerializer(Class<T> type, Function<T, String> text) {
            super(type);
            this.text = text;
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(text.apply(value));
        }
    }
}
