package dev.cutover.cli;

import dev.cutover.state.StateStores;
import dev.cutover.team.PostgresStateStore;
import dev.cutover.team.StoreException;
import dev.cutover.team.TeamConfig;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/** Opens the team store a command names and installs it for the engine ({@link StateStores}). */
final class TeamStores {
    private TeamStores() {
    }

    static Optional<PostgresStateStore> open(String cliUrl, Map<String, String> env, PrintWriter err) {
        Optional<TeamConfig> config;
        try {
            config = TeamConfig.resolve(cliUrl, env);
        } catch (TeamConfig.InvalidException e) {
            throw new ExitException.InvalidInput("cutover: team store: " + e.getMessage() + "; nothing was run.");
        }
        if (config.isEmpty()) {
            StateStores.install(null); // local files only
            return Optional.empty();
        }
        PostgresStateStore store;
        try {
            store = PostgresStateStore.open(config.get(), notice -> {
                if (err != null) {
                    err.println(notice);
                    err.flush();
                }
            });
        } catch (StoreException e) {
            throw new ExitException.Refused("cutover: " + e.getMessage() + ".");
        }
        StateStores.install(store);
        Runtime.getRuntime().addShutdownHook(new Thread(store::close, "cutover-team-store-close"));
        return Optional.of(store);
    }
}
