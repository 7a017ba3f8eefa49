package dev.cutover.tls;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code tls.bundle-inspect}: lists the certificates of a PEM, DER or PKCS#7 file, in file order. */
public final class BundleInspectStep implements Check {

    @Override
    public String id() {
        return "tls.bundle-inspect";
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public String description() {
        return "Reads a PEM bundle (one or many certificates), DER or PKCS#7 file and outputs each certificate's facts.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(InputSpec.required("bundle", InputType.PATH, "PEM, DER or PKCS#7 (.p7b) certificate file"),
                StoreInputs.SUBJECT_MATCHES);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("file", "the bundle read"),
                OutputSpec.string("format", "PEM, DER or PKCS#7"),
                OutputSpec.integer("count", "how many certificates were listed (after subject_matches)"),
                OutputSpec.list("certificates",
                        "in file order: {subject, issuer, serial, not_before, not_after, sha256, is_ca, "
                                + "key_type, key_size}"));
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        Path bundle = context.inputs().path("bundle");
        byte[] bytes = HostStore.read(context, bundle, "bundle");
        StoreKind kind = StoreKind.detect(bytes);
        if (kind == StoreKind.JKS || kind == StoreKind.PKCS12) {
            throw new StepFailedException("input 'bundle': " + bundle + HostStore.where(context) + " is a "
                    + kind.label() + " keystore, not a certificate file; use tls.store-inspect for keystores");
        }
        List<X509Certificate> certs = CertificateReader.parse(bytes, kind, bundle, "bundle");
        var filter = StoreInputs.subjectFilter(context.inputs(), "subject_matches");
        List<Map<String, Object>> list = new ArrayList<>();
        for (X509Certificate c : certs) {
            if (filter.test(c)) {
                list.add(CertFacts.describe(c));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", bundle.toString());
        out.put("format", kind.label());
        out.put("count", list.size());
        out.put("certificates", list);
        return StepResult.done(out, list.size() + " certificate(s) in " + bundle + HostStore.where(context));
    }
}
