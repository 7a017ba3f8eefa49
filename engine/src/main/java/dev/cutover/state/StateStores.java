package dev.cutover.state;

import java.util.Optional;

/**
 * The team store this process uses, if any: one per cutover process, installed by the command line when
 * {@code --state} (or {@code CUTOVER_STATE}, or the user's config file) names one.
 *
 * @since 0.1
 */
public final class StateStores {
    private static volatile StateStore current;

    private StateStores() {
    }

    /** The store in use; empty for local files only. */
    public static Optional<StateStore> current() {
        return Optional.ofNullable(current);
    }

    /** Uses {@code store} from now on (null: local files only). */
    public static void install(StateStore store) {
        current = store;
    }
}
