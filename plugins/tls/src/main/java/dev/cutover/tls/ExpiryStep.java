package dev.cutover.tls;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Check;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.security.cert.X509Certificate;

/** {@code tls.expiry}: asserts no certificate in a store or bundle expires within N days; outputs the soonest expiries. */
public final class ExpiryStep implements Check {
    private final Clock clock;

    /** The step type as ServiceLoader creates it, on the system clock. */
    public ExpiryStep() {
        this(Clock.systemUTC());
    }

    ExpiryStep(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String id() {
        return "tls.expiry";
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public String description() {
        return "Fails when a certificate in a store or bundle expires within 'days' (optionally ignoring ones already "
                + "expired); outputs the soonest expiries.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.optional("store", InputType.PATH, null, "keystore or certificate file to check (or give bundle)"),
                InputSpec.optional("bundle", InputType.PATH, null, "certificate file to check (or give store)"),
                StoreInputs.PASSWORD, StoreInputs.TYPE,
                InputSpec.optional("days", InputType.INT, 30, "fail when a certificate expires within this many days"),
                InputSpec.optional("ignore_expired", InputType.BOOL, false,
                        "ignore certificates that have already expired (e.g. the 2019 RDS CAs kept in a bundle)"),
                StoreInputs.SUBJECT_MATCHES,
                InputSpec.optional("show", InputType.INT, 5, "how many of the soonest expiries to output"));
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("store", "the store or bundle checked"),
                OutputSpec.integer("checked", "how many certificates were checked"),
                OutputSpec.integer("expired",
                        "how many have already expired (also when ignore_expired leaves them out)"),
                OutputSpec.integer("days", "the window checked, in days"),
                OutputSpec.list("soonest",
                        "the 'show' soonest expiries: {alias, subject, not_after, days_left, sha256}"),
                OutputSpec.list("failing", "those expiring within 'days', same shape (empty when the step passes)"));
    }

    private record Checked(String alias, X509Certificate cert) {
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        if (in.has("store") == in.has("bundle")) {
            throw new StepFailedException("give exactly one of 'store' and 'bundle'");
        }
        String input = in.has("store") ? "store" : "bundle";
        java.nio.file.Path file = in.path(input).toAbsolutePath();
        CertStore store = CertStore.open(HostStore.read(context, file, input), file, StoreInputs.type(in, "type"),
                StoreInputs.password(in, "password"), input);
        long days = in.integer("days");
        boolean ignoreExpired = in.bool("ignore_expired", false);
        Predicate<X509Certificate> filter = StoreInputs.subjectFilter(in, "subject_matches");
        Instant now = clock.instant();
        Instant limit = now.plus(Duration.ofDays(days));
        List<Checked> checked = new ArrayList<>();
        for (CertStore.Entry e : store.entries()) {
            if (e.cert() != null && filter.test(e.cert())) {
                checked.add(new Checked(e.alias(), e.cert()));
            }
        }
        if (checked.isEmpty()) {
            throw new StepFailedException("no certificate to check in " + store.path() + (in.has("subject_matches")
                    ? " matches '" + in.string("subject_matches") + "'; check input 'subject_matches'" : "; is it the right file?"));
        }
        checked.sort(Comparator.comparing((Checked c) -> c.cert().getNotAfter()).thenComparing(Checked::alias));
        List<Map<String, Object>> soonest = new ArrayList<>();
        List<Map<String, Object>> failing = new ArrayList<>();
        int expired = 0;
        for (Checked c : checked) {
            Instant notAfter = c.cert().getNotAfter().toInstant();
            boolean isExpired = notAfter.isBefore(now);
            expired += isExpired ? 1 : 0;
            if (isExpired && ignoreExpired) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("alias", c.alias());
            m.put("subject", CertFacts.subject(c.cert()));
            m.put("not_after", CertFacts.instant(notAfter));
            m.put("days_left", Math.floorDiv(Duration.between(now, notAfter).toHours(), 24));
            m.put("sha256", CertFacts.sha256(c.cert()));
            if (soonest.size() < in.integer("show")) {
                soonest.add(m);
            }
            if (notAfter.isBefore(limit)) {
                failing.add(m);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store.path().toString());
        out.put("checked", checked.size());
        out.put("expired", expired);
        out.put("days", days);
        out.put("soonest", soonest);
        out.put("failing", failing);
        if (!failing.isEmpty()) {
            List<String> lines = failing.stream().map(m -> "'" + m.get("alias") + "' (" + m.get("subject") + ") "
                    + ((long) m.get("days_left") < 0 ? "expired on " : "expires on ") + m.get("not_after")).toList();
            throw new StepFailedException(failing.size() + " certificate(s) in " + store.path() + " expire within "
                    + days + " days or have expired:\n  - " + String.join("\n  - ", lines)
                    + (ignoreExpired ? "" : "\n(set 'ignore_expired: true' to ignore ones already expired)"), out, null);
        }
        return StepResult.done(out, "no certificate in " + store.path() + " expires within " + days + " days");
    }
}
