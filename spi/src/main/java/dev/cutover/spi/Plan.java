package dev.cutover.spi;

import java.util.List;

/**
 * What a step would do, for {@code cutover plan}: a one-line summary and an optional diff, one
 * change per line ({@code + alias 'x' into store.p12}, {@code ~ CA rds-ca-2019 -> rds-ca-rsa2048-g1}).
 *
 * @param summary never null
 * @param changes never null; may be empty
 * @since 0.1
 */
public record Plan(String summary, List<String> changes) {

    public Plan {
        changes = List.copyOf(changes);
    }

    public static Plan of(String summary) {
        return new Plan(summary, List.of());
    }

    public static Plan of(String summary, List<String> changes) {
        return new Plan(summary, changes);
    }
}
