package dev.cutover.tls;

import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Locale;

/** Default aliases: the subject CN in lower case (as JKS and PKCS12 store them), de-duplicated with " (2)", " (3)". */
final class Aliases {
    private Aliases() {
    }

    static String fromCn(X509Certificate cert) {
        return CertFacts.commonName(cert).trim().toLowerCase(Locale.ROOT);
    }

    /** {@code wanted}, or the first of {@code wanted (2)}, {@code wanted (3)} ... not in {@code taken} (case-insensitive). */
    static String unique(String wanted, Collection<String> taken) {
        String candidate = wanted;
        for (int n = 2; contains(taken, candidate); n++) {
            candidate = wanted + " (" + n + ")";
        }
        return candidate;
    }

    private static boolean contains(Collection<String> taken, String alias) {
        return taken.stream().anyMatch(t -> t.equalsIgnoreCase(alias));
    }
}
