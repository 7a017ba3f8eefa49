package dev.cutover.tls;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code tls.store-inspect}: lists a keystore's or certificate file's entries, sorted by alias, for checks and drift. */
public final class StoreInspectStep implements Check {

    @Override
    public String id() {
        return "tls.store-inspect";
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public String description() {
        return "Reads a keystore/truststore (JKS, PKCS12) or PEM bundle and outputs every entry: alias, kind and "
                + "certificate facts, sorted by alias.";
    }

    @Override
    public List<InputSpec> inputs() {
        return StoreInputs.storeTriple();
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("store", "the store read"),
                OutputSpec.string("type", "JKS, PKCS12, PEM, DER or PKCS#7"),
                OutputSpec.integer("count", "how many entries it holds"),
                OutputSpec.list("entries",
                        "by alias: {alias, kind, subject, issuer, serial, not_before, not_after, sha256, "
                                + "is_ca, key_type, key_size}"));
    }

    /** The entry list every store step reports: alias, kind, then the certificate facts. */
    static List<Map<String, Object>> describe(CertStore store) throws StepFailedException {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (CertStore.Entry e : store.entries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("alias", e.alias());
            m.put("kind", e.kind());
            if (e.cert() != null) {
                m.putAll(CertFacts.describe(e.cert()));
            }
            entries.add(m);
        }
        return entries;
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        CertStore store = StoreInputs.open(context);
        List<Map<String, Object>> entries = describe(store);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store.path().toString());
        out.put("type", store.kind().label());
        out.put("count", entries.size());
        out.put("entries", entries);
        return StepResult.done(out, entries.size() + " entries in " + store.kind().label() + " store " + store.path());
    }
}
