package dev.cutover.spi;

import java.io.IOException;

/**
 * Opens {@link Host}s of one transport ({@code ssh}, ...). Found with {@link java.util.ServiceLoader} like
 * step types. The engine keeps one connector per run and one connection per host, reused by all that
 * host's steps, and closes the connector when the run ends.
 *
 * @since 0.2
 */
public interface HostConnector extends AutoCloseable {

    /** The transport id an inventory names ({@code transport: ssh}). */
    String transport();

    /**
     * Connects to a host (or returns the open connection), checking its host key strictly.
     *
     * @param listener told of a host key accepted into {@code known_hosts}, so the engine can journal it
     * @throws HostKeyException when the host's key is unknown (and not accepted) or changed
     * @throws IOException      when the host cannot be reached or refuses the login
     */
    Host connect(HostSpec spec, HostKeyListener listener) throws IOException, InterruptedException;

    /**
     * Whether its hosts offer files ({@link Host#read}, {@link Host#replace}, ...), not only commands. Steps that
     * declare {@link Traits#HOST_FILES} are refused on the hosts of a transport that does not, before anything runs.
     * True by default.
     */
    default boolean offersFiles() {
        return true;
    }

    /** Closes every connection this connector opened. */
    @Override
    void close();

    /** Told when a new host key is accepted. */
    @FunctionalInterface
    interface HostKeyListener {
        void accepted(String host, String keyType, String fingerprint);
    }

    /** A host key that does not match {@code known_hosts}: unknown, or changed. */
    final class HostKeyException extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean changed;

        public HostKeyException(String message, boolean changed) {
            super(message);
            this.changed = changed;
        }

        /** Whether the host presented a different key than {@code known_hosts} holds (not merely an unknown one). */
        public boolean changed() {
            return changed;
        }
    }
}
