package dev.cutover.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The public keys whose seals (and signed approvals) are trusted, configured once by the operator's
 * organisation: files or directories of PEM public keys given with {@code --trusted-keys} and in
 * {@code CUTOVER_TRUSTED_KEYS} (paths separated by the platform's path separator). Never taken from the
 * journal being checked.
 */
public final class TrustedKeys {
    /** The environment variable that lists trusted key files or directories. */
    public static final String ENV = "CUTOVER_TRUSTED_KEYS";
    /** The environment variable that lists approvers' public keys (files or directories), for signed approvals. */
    public static final String APPROVER_ENV = "CUTOVER_APPROVER_KEYS";

    private TrustedKeys() {
    }

    /**
     * Reads every key: a file is one PEM public key; a directory contributes each {@code *.pem} in it that
     * holds a public key (private keys in it are an error: a trust store holds public keys only).
     *
     * @param paths from the command line; may be empty
     * @param env   the value of {@value #ENV} (or {@value #APPROVER_ENV}), or null
     */
    public static List<SealPublicKey> load(List<Path> paths, String env) throws IOException {
        List<Path> all = new ArrayList<>(paths);
        if (env != null && !env.isBlank()) {
            for (String p : env.split(java.io.File.pathSeparator)) {
                if (!p.isBlank()) {
                    all.add(Path.of(p.strip()));
                }
            }
        }
        Map<String, SealPublicKey> keys = new LinkedHashMap<>();
        for (Path p : all) {
            if (Files.isDirectory(p)) {
                List<Path> pems;
                try (Stream<Path> files = Files.list(p)) {
                    pems = files.filter(f -> f.getFileName().toString().endsWith(".pem")).sorted().toList();
                }
                if (pems.isEmpty()) {
                    throw new IOException("the trusted key directory " + p + " holds no *.pem public key");
                }
                for (Path f : pems) {
                    SealPublicKey k = SealKeys.readPublic(f);
                    keys.putIfAbsent(k.fingerprint(), k);
                }
            } else if (Files.isRegularFile(p)) {
                SealPublicKey k = SealKeys.readPublic(p);
                keys.putIfAbsent(k.fingerprint(), k);
            } else {
                throw new IOException("no key file or directory " + p);
            }
        }
        return List.copyOf(keys.values());
    }
}
