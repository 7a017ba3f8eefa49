package dev.cutover.journal;

/**
 * A value the journal records exactly as given, without replacing text that happens to equal a
 * secret: what a later rollback or resume will act on (a backup path, resolved undo inputs). The value
 * must already hold no secret: secrets in it are recorded as references ({@code {"$secret": "${params.x}"}})
 * that are resolved again when the value is used.
 *
 * @param value a JSON-friendly value; never a {@link dev.cutover.spi.Secret}
 */
public record Verbatim(Object value) {
}
