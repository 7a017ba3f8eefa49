package dev.cutover.tls;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepFailedException;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The store inputs shared by the store steps ({@code store}, {@code password}, {@code type}) and their parsing. */
final class StoreInputs {
    static final InputSpec STORE = InputSpec.required("store", InputType.PATH,
            "keystore or truststore file (JKS, PKCS12) or a PEM/DER/PKCS#7 certificate file");
    static final InputSpec PASSWORD = InputSpec.optional("password", InputType.SECRET, null,
            "store password (required for PKCS12; JKS can be read without it)");
    static final InputSpec TYPE = InputSpec.optional("type", InputType.STRING, "auto",
            "store type: auto (detect from content), jks, pkcs12 or pem");
    static final InputSpec SUBJECT_MATCHES = InputSpec.optional("subject_matches", InputType.STRING, null,
            "only certificates whose subject matches this regular expression (found anywhere, e.g. 'RSA2048 G1')");

    private StoreInputs() {
    }

    static List<InputSpec> storeTriple() {
        return List.of(STORE, PASSWORD, TYPE);
    }

    static Path storePath(Inputs in) throws StepFailedException {
        return in.path("store").toAbsolutePath();
    }

    static Secret password(Inputs in, String name) throws StepFailedException {
        return in.optionalSecret(name).orElse(null);
    }

    static StoreKind type(Inputs in, String name) throws StepFailedException {
        return StoreKind.parse(in.optionalString(name).orElse(null), name);
    }

    /** Opens the store named by {@code store}/{@code password}/{@code type}, on the step's host. */
    static CertStore open(dev.cutover.spi.StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        Path path = storePath(in);
        return CertStore.open(HostStore.read(context, path, "store"), path, type(in, "type"), password(in, "password"),
                "store");
    }

    /** A filter on subjects from a regular-expression input; everything passes when the input is absent. */
    static Predicate<X509Certificate> subjectFilter(Inputs in, String name) throws StepFailedException {
        if (!in.has(name)) {
            return c -> true;
        }
        String text = in.string(name);
        try {
            Pattern p = Pattern.compile(text);
            return c -> p.matcher(CertFacts.subject(c)).find();
        } catch (PatternSyntaxException e) {
            throw new StepFailedException("input '" + name + "': '" + text + "' is not a valid regular expression: "
                    + e.getDescription());
        }
    }
}
