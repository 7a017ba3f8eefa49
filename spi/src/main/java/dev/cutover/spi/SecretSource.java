package dev.cutover.spi;

/**
 * Where a {@code type: secret} parameter's value can come from, named by the prefix of its
 * {@code from:} ({@code env:NAME}, {@code file:PATH}, {@code aws-secretsmanager:ID#key}).
 *
 * <p>Found with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.cutover.spi.SecretSource}).
 * A source is asked once per run per reference; the engine registers the value for masking
 * before anything else sees it.
 *
 * @since 0.1
 */
public interface SecretSource {

    /** The prefix before the colon, such as {@code aws-secretsmanager}. */
    String scheme();

    /**
     * Fetches the value.
     *
     * @param reference the text after {@code scheme:}
     * @throws StepFailedException with an operator-facing message (never containing the value)
     */
    Secret fetch(String reference) throws StepFailedException;
}
