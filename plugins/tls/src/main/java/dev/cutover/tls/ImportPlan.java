package dev.cutover.tls;

import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepFailedException;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** What {@code tls.store-import} would do to a store: aliases to add, aliases already present, aliases to drop. */
record ImportPlan(CertStore store, boolean creates, List<Addition> additions, List<String> present,
                  List<String> removals) {

    /** One certificate to add under an alias. */
    record Addition(String alias, X509Certificate cert) {
    }

    boolean changesNothing() {
        return !creates && additions.isEmpty() && removals.isEmpty();
    }

    List<String> addedAliases() {
        return additions.stream().map(Addition::alias).toList();
    }

    /** Reads the store (or starts a new one when allowed) and the bundle, and decides, changing nothing. */
    static ImportPlan compute(dev.cutover.spi.StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        Path path = StoreInputs.storePath(in);
        boolean creates = !HostStore.isFile(context, path);
        CertStore store;
        if (creates) {
            if (!in.bool("create", false)) {
                throw new StepFailedException("store " + path + " does not exist; check the path, or set "
                        + "'create: true' (with 'type') to create it");
            }
            if (!HostStore.isDirectory(context, path.getParent())) {
                throw new StepFailedException("cannot create store " + path + ": directory " + path.getParent()
                        + " does not exist" + HostStore.where(context));
            }
            StoreKind kind = StoreInputs.type(in, "type");
            if (kind == StoreKind.UNKNOWN) {
                throw new StepFailedException("input 'type': say which type to create " + path
                        + " as (pkcs12, jks or pem)");
            }
            if (kind.isKeyStore() && !in.has("password")) {
                throw new StepFailedException("input 'password' is required to create a " + kind.label() + " store");
            }
            store = CertStore.create(path, kind, "store");
        } else {
            store = StoreInputs.open(context);
        }
        requireWritable(store, in);
        Predicate<X509Certificate> filter = StoreInputs.subjectFilter(in, "subject_matches");
        List<X509Certificate> bundle = CertificateReader.read(in.path("bundle"), "bundle");
        List<X509Certificate> selected = bundle.stream().filter(filter).toList();
        if (selected.isEmpty()) {
            throw new StepFailedException("no certificate in " + in.path("bundle") + " (" + bundle.size()
                    + " certificates) has a subject matching '" + in.get("subject_matches")
                    + "'; check input 'subject_matches'");
        }
        Map<String, String> aliasByFingerprint = new HashMap<>();
        Set<String> taken = new LinkedHashSet<>();
        for (CertStore.Entry e : store.entries()) {
            taken.add(e.alias());
            if (e.cert() != null) {
                aliasByFingerprint.putIfAbsent(CertFacts.sha256(e.cert()), e.alias());
            }
        }
        List<Addition> additions = new ArrayList<>();
        List<String> present = new ArrayList<>();
        Set<String> wanted = new HashSet<>();
        for (X509Certificate c : selected) {
            String fp = CertFacts.sha256(c);
            if (!wanted.add(fp)) {
                continue;
            }
            String existing = aliasByFingerprint.get(fp);
            if (existing != null) {
                present.add(existing);
            } else {
                String alias = Aliases.unique(Aliases.fromCn(c), taken);
                taken.add(alias);
                additions.add(new Addition(alias, c));
            }
        }
        List<String> removals = new ArrayList<>();
        if (!in.bool("keep_existing", true)) {
            for (CertStore.Entry e : store.entries()) {
                if (e.kind().equals("trusted_cert") && !wanted.contains(CertFacts.sha256(e.cert()))) {
                    removals.add(e.alias());
                }
            }
        }
        return new ImportPlan(store, creates, additions, present, removals);
    }

    /** Refuses stores that cannot be written back as they are: DER/PKCS#7 files, keystores opened without a password. */
    static void requireWritable(CertStore store, Inputs in) throws StepFailedException {
        if (!store.writable()) {
            throw new StepFailedException(store.path() + " is a " + store.kind().label()
                    + " file, which cannot be changed in place; convert it to PEM, PKCS12 or JKS first");
        }
        if (store.kind().isKeyStore() && !in.has("password")) {
            throw new StepFailedException("input 'password' is required to change " + store.kind().label()
                    + " store " + store.path() + " (it is written back with the same password)");
        }
    }
}
