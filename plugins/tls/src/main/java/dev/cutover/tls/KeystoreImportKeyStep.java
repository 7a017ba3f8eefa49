package dev.cutover.tls;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.spi.Host;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.Probeable;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Undoable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code tls.keystore-import-key}: renews a Java service's own TLS server certificate by putting a private
 * key and its certificate chain (PEM) under an alias of its PKCS12 keystore. The key must match the leaf and
 * each certificate must be signed by the next; the store is backed up byte for byte first and written
 * atomically on the step's host; the built-in undo restores the exact previous bytes.
 */
public final class KeystoreImportKeyStep implements Undoable, Probeable {

    @Override
    public String id() {
        return "tls.keystore-import-key";
    }

    @Override
    public String description() {
        return "Put a private key and its certificate chain (PEM) under an alias of a PKCS12 keystore (a service's "
                + "own server certificate), after a byte-exact backup; undo restores the previous store byte for byte.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.required("store", InputType.PATH, "the PKCS12 keystore the service serves from"),
                InputSpec.required("password", InputType.SECRET, "the keystore's password (also the key's)"),
                InputSpec.required("alias", InputType.STRING, "the alias the service's key entry has"),
                InputSpec.required("key", InputType.PATH, "the new private key, PEM (PKCS#8 or PKCS#1), unencrypted"),
                InputSpec.required("chain", InputType.PATH,
                        "the new certificate chain, PEM: the server certificate first, then its intermediates"));
    }

    @Override
    public Set<String> traits() {
        return Set.of("changes:keystore", dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("store", "the keystore written"),
                OutputSpec.string("alias", "the alias written"),
                OutputSpec.bool("changed", "false when the alias already held this key and chain"),
                OutputSpec.string("subject", "the new server certificate's subject"),
                OutputSpec.string("not_after", "the new server certificate's expiry, ISO-8601"),
                OutputSpec.string("fingerprint", "SHA-256 of the new server certificate"),
                OutputSpec.string("previous_fingerprint", "SHA-256 of the certificate the alias held (empty: none)"),
                OutputSpec.integer("chain_length", "certificates in the chain stored"),
                OutputSpec.string("sha256_before", "SHA-256 of the keystore before (empty when it did not exist)"),
                OutputSpec.string("sha256_after", "SHA-256 of the keystore after"),
                OutputSpec.string("backup", "byte-exact copy of the keystore before the change (empty: none)"));
    }

    /** The new key and chain, checked against each other. */
    private record Material(PrivateKey key, X509Certificate[] chain) {
    }

    private static Material material(Inputs in) throws StepFailedException {
        Path chainFile = in.path("chain");
        X509Certificate[] chain;
        try (var s = Files.newInputStream(chainFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(s).stream()
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (IOException e) {
            throw new StepFailedException("input 'chain': cannot read " + chainFile + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("input 'chain': " + chainFile + " is not a PEM certificate chain: "
                    + e.getMessage());
        }
        if (chain.length == 0) {
            throw new StepFailedException("input 'chain': " + chainFile + " holds no certificate");
        }
        for (int i = 0; i + 1 < chain.length; i++) {
            try {
                chain[i].verify(chain[i + 1].getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new StepFailedException("input 'chain': certificate " + (i + 1) + " ("
                        + chain[i].getSubjectX500Principal().getName() + ") is not signed by certificate " + (i + 2)
                        + " (" + chain[i + 1].getSubjectX500Principal().getName() + "); put the server certificate "
                        + "first, then each issuer in order");
            }
        }
        PrivateKey key = privateKey(in.path("key"));
        if (!matches(key, chain[0])) {
            throw new StepFailedException("input 'key': the private key does not belong to the server certificate "
                    + chain[0].getSubjectX500Principal().getName() + " (its first certificate)");
        }
        return new Material(key, chain);
    }

    private static PrivateKey privateKey(Path file) throws StepFailedException {
        Object parsed;
        try (PEMParser parser = new PEMParser(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.US_ASCII))) {
            parsed = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
        } catch (IOException e) {
            throw new StepFailedException("input 'key': cannot read " + file + " as a PEM private key: "
                    + e.getMessage());
        }
        throw new StepFailedException("input 'key': " + file + " holds no unencrypted PEM private key");
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> "SHA256withRSA";
        };
        try {
            byte[] probe = "cutover key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyStore load(Host host, String store, char[] password) throws StepFailedException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            if (host.stat(store).isEmpty()) {
                ks.load(null, null);
            } else {
                ks.load(new ByteArrayInputStream(host.read(store)), password);
            }
            return ks;
        } catch (IOException e) {
            throw new StepFailedException("cannot read keystore " + store + " as PKCS12 (wrong password?): "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("cannot read keystore " + store + ": " + e.getMessage());
        }
    }

    private static Optional<X509Certificate> current(KeyStore ks, String alias) throws StepFailedException {
        try {
            return ks.getCertificate(alias) instanceof X509Certificate c ? Optional.of(c) : Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("cannot read alias '" + alias + "': " + e.getMessage());
        }
    }

    /** Whether the alias already holds exactly this key and chain. */
    private static boolean alreadyThere(KeyStore ks, String alias, char[] password, Material m) {
        try {
            Certificate[] chain = ks.getCertificateChain(alias);
            return chain != null && Arrays.equals(chain, m.chain()) && ks.getKey(alias, password) instanceof PrivateKey k
                    && Arrays.equals(k.getEncoded(), m.key().getEncoded());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The SHA-256 fingerprint as tls.handshake and tls.store-inspect output it. */
    static String fingerprint(X509Certificate c) {
        return CertFacts.sha256(c);
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        Material m = material(in);
        String store = in.path("store").toString();
        String alias = in.string("alias");
        char[] password = in.secret("password").toChars();
        KeyStore ks = load(context.host(), store, password);
        if (alreadyThere(ks, alias, password, m)) {
            return Plan.of("alias '" + alias + "' of " + store + " already holds this key and chain");
        }
        Optional<X509Certificate> before = current(ks, alias);
        return Plan.of("would put the key and chain of " + m.chain()[0].getSubjectX500Principal().getName()
                + " under alias '" + alias + "' of " + store + ", keeping a byte-exact backup", List.of(
                before.map(c -> "- " + alias + ": " + c.getSubjectX500Principal().getName() + " (until "
                        + c.getNotAfter().toInstant() + ", sha256 " + fingerprint(c) + ")").orElse("  (no entry yet)"),
                "+ " + alias + ": " + m.chain()[0].getSubjectX500Principal().getName() + " (until "
                        + m.chain()[0].getNotAfter().toInstant() + ", sha256 " + fingerprint(m.chain()[0]) + ", chain of "
                        + m.chain().length + ")"));
    }

    @Override
    public Intent prepare(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        Material m = material(in);
        Host host = context.host();
        String store = in.path("store").toString();
        load(host, store, in.secret("password").toChars());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("store", store);
        data.put("fingerprint", fingerprint(m.chain()[0]));
        try {
            boolean existed = host.stat(store).isPresent();
            data.put("existed", existed);
            if (existed) {
                byte[] bytes = host.read(store);
                String name = Path.of(store).getFileName().toString();
                String backup = host.isLocal()
                        ? context.runDirectory().resolve("backups").resolve(context.stepId().replaceAll(
                                "[^A-Za-z0-9._-]", "_")).resolve(name).toAbsolutePath().toString()
                        : store + ".cutover-" + context.runId() + ".bak";
                if (host.isLocal()) {
                    Files.createDirectories(Path.of(backup).getParent());
                }
                if (host.stat(backup).isPresent()) {
                    throw new StepFailedException("backup " + backup + " already exists; nothing was changed");
                }
                host.replace(backup, bytes, AtomicFiles.OWNER_ONLY);
                data.put("backup", backup);
                data.put("backup_sha256", AtomicFiles.sha256(bytes));
                context.note("backed up " + store + " to " + backup);
            }
        } catch (IOException e) {
            throw new StepFailedException("cannot back up " + store + ": " + e.getMessage() + "; nothing was changed");
        }
        return Intent.of(data);
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException {
        Inputs in = context.inputs();
        Material m = material(in);
        Host host = context.host();
        String store = intent.string("store");
        String alias = in.string("alias");
        char[] password = in.secret("password").toChars();
        KeyStore ks = load(host, store, password);
        Optional<X509Certificate> before = current(ks, alias);
        boolean same = alreadyThere(ks, alias, password, m);
        if (!same) {
            try {
                ks.setKeyEntry(alias, m.key(), password, m.chain());
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                ks.store(buf, password);
                host.replace(store, buf.toByteArray(), AtomicFiles.OWNER_ONLY);
            } catch (IOException e) {
                throw new StepFailedException("could not replace " + store + " (" + e.getMessage()
                        + "); the keystore is unchanged");
            } catch (GeneralSecurityException e) {
                throw new StepFailedException("cannot store the key under alias '" + alias + "': " + e.getMessage());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store);
        out.put("alias", alias);
        out.put("changed", !same);
        out.put("subject", m.chain()[0].getSubjectX500Principal().getName());
        out.put("not_after", m.chain()[0].getNotAfter().toInstant().toString());
        out.put("fingerprint", fingerprint(m.chain()[0]));
        out.put("previous_fingerprint", before.map(KeystoreImportKeyStep::fingerprint).orElse(""));
        out.put("chain_length", (long) m.chain().length);
        out.put("sha256_before", Boolean.TRUE.equals(intent.data().get("existed")) ? intent.string("backup_sha256") : "");
        try {
            out.put("sha256_after", host.sha256(store));
        } catch (IOException e) {
            throw new StepFailedException("cannot read back " + store + ": " + e.getMessage());
        }
        out.put("backup", intent.data().containsKey("backup") ? intent.string("backup") : "");
        return same ? StepResult.unchanged("alias '" + alias + "' already holds this key and chain", out)
                : StepResult.done(out, "put " + out.get("subject") + " under alias '" + alias + "' of " + store);
    }

    @Override
    public StepResult undo(StepContext context, Intent intent) throws StepFailedException {
        Host host = context.host();
        String store = intent.string("store");
        try {
            if (!Boolean.TRUE.equals(intent.data().get("existed"))) {
                boolean deleted = host.delete(store);
                return StepResult.done(Map.of("store", store, "deleted", deleted),
                        deleted ? "removed " + store + ", which this step had created" : "nothing to undo");
            }
            byte[] bytes = host.read(intent.string("backup"));
            if (!AtomicFiles.sha256(bytes).equals(intent.string("backup_sha256"))) {
                throw new StepFailedException("backup " + intent.string("backup") + " was altered after it was taken; "
                        + store + " was not touched");
            }
            host.replace(store, bytes, AtomicFiles.OWNER_ONLY);
            String now = host.sha256(store);
            if (!now.equals(intent.string("backup_sha256"))) {
                throw new StepFailedException("after restoring " + store + " its SHA-256 is " + now + "; copy "
                        + intent.string("backup") + " over it by hand");
            }
            return StepResult.done(Map.of("store", store, "sha256", now), "restored " + store + " from "
                    + intent.string("backup"));
        } catch (IOException e) {
            throw new StepFailedException("could not restore " + store + " from " + intent.string("backup") + ": "
                    + e.getMessage() + "; copy it back by hand");
        }
    }

    @Override
    public ProbeResult probe(StepContext context, Intent intent) {
        try {
            Host host = context.host();
            String store = intent.string("store");
            boolean existed = Boolean.TRUE.equals(intent.data().get("existed"));
            if (host.stat(store).isEmpty()) {
                return existed ? ProbeResult.UNKNOWN : ProbeResult.NOT_DONE;
            }
            if (existed && host.sha256(store).equals(intent.string("backup_sha256"))) {
                return ProbeResult.NOT_DONE;
            }
            KeyStore ks = load(host, store, context.inputs().secret("password").toChars());
            return current(ks, context.inputs().string("alias")).map(KeystoreImportKeyStep::fingerprint)
                    .filter(f -> f.equals(intent.string("fingerprint"))).isPresent() ? ProbeResult.DONE
                    : ProbeResult.UNKNOWN;
        } catch (IOException | StepFailedException | RuntimeException e) {
            return ProbeResult.UNKNOWN;
        }
    }
}
