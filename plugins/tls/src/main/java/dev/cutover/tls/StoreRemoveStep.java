package dev.cutover.tls;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** {@code tls.store-remove}: removes entries by alias, fingerprint or subject pattern, with backup and undo. */
public final class StoreRemoveStep extends StoreChange {

    /** The step type as ServiceLoader creates it, renaming with an atomic move. */
    public StoreRemoveStep() {
        this(dev.cutover.spi.AtomicFiles.ATOMIC_MOVE);
    }

    StoreRemoveStep(dev.cutover.spi.AtomicFiles.Renamer renamer) {
        super(renamer);
    }

    @Override
    public String id() {
        return "tls.store-remove";
    }

    @Override
    public String description() {
        return "Removes entries from a keystore by alias, SHA-256 fingerprint or subject pattern, backing the store "
                + "up first; undo restores the backup byte for byte.";
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> l = new ArrayList<>(StoreInputs.storeTriple());
        l.add(InputSpec.optional("aliases", InputType.LIST, null, "aliases to remove (any entry kind)"));
        l.add(InputSpec.optional("sha256", InputType.LIST, null, "remove certificates with these SHA-256 fingerprints"));
        l.add(InputSpec.optional("subject_matches", InputType.STRING, null,
                "remove trusted certificates whose subject matches this regular expression"));
        return l;
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.CHANGES_TRUSTSTORE, dev.cutover.spi.Traits.REMOVES_STORE_ENTRIES,
                dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("store", "the store changed"),
                OutputSpec.list("removed", "aliases removed"),
                OutputSpec.string("backup", "byte-exact copy of the store taken before the change"),
                OutputSpec.string("backup_sha256", "SHA-256 of that copy"),
                OutputSpec.integer("count", "entries in the store afterwards"));
    }

    /** The aliases the inputs select, in alias order. */
    static List<String> selected(CertStore store, Inputs in) throws StepFailedException {
        if (!in.has("aliases") && !in.has("sha256") && !in.has("subject_matches")) {
            throw new StepFailedException("say what to remove: give 'aliases', 'sha256' or 'subject_matches'");
        }
        Set<String> aliases = new LinkedHashSet<>();
        Set<String> fingerprints = new LinkedHashSet<>();
        if (in.has("aliases")) {
            in.stringList("aliases").forEach(a -> aliases.add(a.toLowerCase(Locale.ROOT)));
        }
        if (in.has("sha256")) {
            in.stringList("sha256").forEach(f -> fingerprints.add(CertFacts.normalizeFingerprint(f)));
        }
        Predicate<X509Certificate> pattern = in.has("subject_matches")
                ? StoreInputs.subjectFilter(in, "subject_matches") : c -> false;
        List<String> out = new ArrayList<>();
        for (CertStore.Entry e : store.entries()) {
            boolean byAlias = aliases.contains(e.alias().toLowerCase(Locale.ROOT));
            boolean byCert = e.cert() != null && (fingerprints.contains(CertFacts.sha256(e.cert()))
                    || (e.kind().equals("trusted_cert") && pattern.test(e.cert())));
            if (byAlias || byCert) {
                out.add(e.alias());
            }
        }
        return out;
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        CertStore store = StoreInputs.open(context);
        List<String> aliases = selected(store, context.inputs());
        List<String> changes = aliases.stream().map(a -> "- alias '" + a + "' from " + store.path().getFileName()).toList();
        return Plan.of(aliases.isEmpty() ? "nothing to remove from " + store.path()
                : "would remove " + aliases.size() + " entr" + (aliases.size() == 1 ? "y" : "ies") + " from "
                + store.path(), changes);
    }

    @Override
    Map<String, Object> expectations(StepContext context) throws StepFailedException {
        CertStore store = StoreInputs.open(context);
        return Map.of("expect_absent", selected(store, context.inputs()));
    }

    @Override
    boolean looksDone(StepContext context, Intent intent) throws StepFailedException {
        CertStore store = StoreInputs.open(context);
        for (String alias : stringList(intent, "expect_absent")) {
            if (store.hasAlias(alias)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException {
        Inputs in = context.inputs();
        CertStore store = StoreInputs.open(context);
        ImportPlan.requireWritable(store, in);
        List<String> aliases = selected(store, in);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store.path().toString());
        out.put("removed", aliases);
        if (intent.data().containsKey("backup")) {
            out.put("backup", intent.string("backup"));
            out.put("backup_sha256", intent.string("backup_sha256"));
        }
        if (aliases.isEmpty()) {
            out.put("count", store.entries().size());
            return StepResult.unchanged("no entry of " + store.path() + " matches; nothing removed", out);
        }
        for (String alias : aliases) {
            store.remove(alias);
        }
        writeStore(context, store.path(), store.serialize(StoreInputs.password(in, "password")));
        out.put("count", store.entries().size());
        return StepResult.done(out, "removed " + aliases.size() + " entr" + (aliases.size() == 1 ? "y" : "ies")
                + " from " + store.path());
    }
}
