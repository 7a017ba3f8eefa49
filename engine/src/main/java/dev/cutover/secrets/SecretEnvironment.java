package dev.cutover.secrets;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The environment a step's child process starts from: cutover's own, minus every variable that
 * holds one of this process's secrets. A variable is dropped when a secret param was read from it
 * ({@code from: env:NAME}), when its value is a registered secret, or when it contains one of at
 * least {@value #MIN_CONTAINED} characters in any form the {@link Masker} knows. A step that needs
 * a secret passes it explicitly (its {@code env:} input), which is added after this filter.
 */
public final class SecretEnvironment {
    /** Secrets shorter than this drop a variable only when they are its whole value (PATH stays). */
    static final int MIN_CONTAINED = 6;
    private static final Set<String> SOURCE_NAMES = ConcurrentHashMap.newKeySet();

    private SecretEnvironment() {
    }

    /** Records that a secret was read from this environment variable. */
    public static void sourceRead(String name) {
        if (name != null && !name.isEmpty()) {
            SOURCE_NAMES.add(name);
        }
    }

    /** Whether a child must not inherit this variable. */
    public static boolean holdsSecret(String name, String value) {
        return SOURCE_NAMES.contains(name) || Masker.global().holds(value, MIN_CONTAINED);
    }

    /** A modifiable copy of cutover's environment without the variables that hold secrets. */
    public static Map<String, String> inherited() {
        Map<String, String> env = new HashMap<>(System.getenv());
        removeSecrets(env);
        return env;
    }

    /** Removes, in place, the variables that hold secrets (e.g. from a {@link ProcessBuilder#environment()}). */
    public static void removeSecrets(Map<String, String> env) {
        env.entrySet().removeIf(e -> holdsSecret(e.getKey(), e.getValue()));
    }
}
