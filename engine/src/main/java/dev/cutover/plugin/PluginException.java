package dev.cutover.plugin;

/**
 * A plugin problem an operator must fix before anything runs: two jars claim the same step type id
 * or secret scheme, a plugin path entry does not exist, a jar cannot be loaded. The message names
 * the jars involved and what to do.
 *
 * @since 0.1
 */
public final class PluginException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
