package dev.cutover.tls;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.security.auth.x500.X500Principal;

/** {@code tls.store-contains}: asserts a store holds given certificates and lists exactly what is missing. */
public final class StoreContainsStep implements Check {

    @Override
    public String id() {
        return "tls.store-contains";
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public String description() {
        return "Asserts a store contains certificates by SHA-256, exact subject (DN or CN), subject substring, or every "
                + "certificate of a bundle; on failure lists exactly what is missing.";
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> l = new ArrayList<>(StoreInputs.storeTriple());
        l.add(InputSpec.optional("sha256", InputType.LIST, null, "SHA-256 fingerprints that must be present"));
        l.add(InputSpec.optional("subject", InputType.LIST, null,
                "exact subjects that must be present: a full DN, or just the CN"));
        l.add(InputSpec.optional("subject_contains", InputType.LIST, null,
                "for each text, some certificate's subject must contain it"));
        l.add(InputSpec.optional("bundle", InputType.PATH, null, "every certificate of this file must be present"));
        l.add(InputSpec.optional("subject_matches", InputType.STRING, null,
                "with bundle: only check the bundle's certificates whose subject matches this regular expression"));
        return l;
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("store", "the store checked"),
                OutputSpec.string("type", "JKS, PKCS12, PEM, DER or PKCS#7"),
                OutputSpec.integer("entries", "how many entries the store holds"),
                OutputSpec.integer("checked", "how many expected certificates were looked for"),
                OutputSpec.list("found", "each expected certificate found, with the alias it is under"),
                OutputSpec.list("missing", "each expected certificate not found (empty when the step passes)"));
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        if (!in.has("sha256") && !in.has("subject") && !in.has("subject_contains") && !in.has("bundle")) {
            throw new StepFailedException("say what the store must contain: give 'sha256', 'subject', "
                    + "'subject_contains' or 'bundle'");
        }
        CertStore store = StoreInputs.open(context);
        List<CertStore.Entry> entries = store.entries();
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (in.has("sha256")) {
            for (String f : in.stringList("sha256")) {
                String fp = CertFacts.normalizeFingerprint(f);
                check(entries, c -> CertFacts.sha256(c).equals(fp), "sha256 " + fp, found, missing);
            }
        }
        if (in.has("subject")) {
            for (String s : in.stringList("subject")) {
                check(entries, subjectIs(s), "subject '" + s + "'", found, missing);
            }
        }
        if (in.has("subject_contains")) {
            for (String s : in.stringList("subject_contains")) {
                check(entries, c -> CertFacts.subject(c).contains(s), "a subject containing '" + s + "'", found, missing);
            }
        }
        int checked = found.size() + missing.size();
        if (in.has("bundle")) {
            Predicate<X509Certificate> filter = StoreInputs.subjectFilter(in, "subject_matches");
            List<X509Certificate> wanted = CertificateReader.read(in.path("bundle"), "bundle").stream().filter(filter).toList();
            if (wanted.isEmpty()) {
                throw new StepFailedException("no certificate in bundle " + in.path("bundle") + " matches '"
                        + in.get("subject_matches") + "'; check input 'subject_matches'");
            }
            for (X509Certificate w : wanted) {
                String fp = CertFacts.sha256(w);
                check(entries, c -> CertFacts.sha256(c).equals(fp), CertFacts.subject(w) + " (sha256 " + fp + ")",
                        found, missing);
            }
            checked = found.size() + missing.size();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store.path().toString());
        out.put("type", store.kind().label());
        out.put("entries", entries.size());
        out.put("checked", checked);
        out.put("found", found);
        out.put("missing", missing);
        if (!missing.isEmpty()) {
            throw new StepFailedException(store.kind().label() + " store " + store.path() + " (" + entries.size()
                    + " entries) is missing " + missing.size() + " of " + checked + " expected certificate(s):\n  - "
                    + String.join("\n  - ", missing) + "\nimport them (tls.store-import) before going on", out, null);
        }
        return StepResult.done(out, "all " + checked + " expected certificate(s) present in " + store.path());
    }

    private static void check(List<CertStore.Entry> entries, Predicate<X509Certificate> test, String what,
                              List<String> found, List<String> missing) {
        for (CertStore.Entry e : entries) {
            if (e.cert() != null && test.test(e.cert())) {
                found.add(what + " as alias '" + e.alias() + "'");
                return;
            }
        }
        missing.add(what);
    }

    /** An exact subject: a DN compared canonically, or a CN when the text is not a DN. */
    static Predicate<X509Certificate> subjectIs(String text) {
        if (text.contains("=")) {
            try {
                X500Principal p = new X500Principal(text);
                return c -> c.getSubjectX500Principal().equals(p);
            } catch (IllegalArgumentException e) {
                // not a DN after all: compare as a CN
            }
        }
        return c -> CertFacts.commonName(c).equals(text);
    }
}
