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
import java.util.Locale;
import java.util.Map;

/** {@code tls.handshake}: a new TLS connection (optionally after PostgreSQL's or MySQL's preamble) trusting only a given store. */
public final class HandshakeStep implements Check {

    @Override
    public String id() {
        return "tls.handshake";
    }

    @Override
    public String description() {
        return "Opens a new TLS connection to host:port trusting only the given truststore or PEM bundle, with hostname "
                + "verification; protocol postgres/mysql do the plain-text upgrade first. Explains failures.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.required("host", InputType.STRING, "server host name or IP address"),
                InputSpec.required("port", InputType.INT, "server port"),
                InputSpec.required("truststore", InputType.PATH, "truststore (JKS, PKCS12) or PEM/DER/PKCS#7 CA bundle"),
                InputSpec.optional("truststore_password", InputType.SECRET, null, "truststore password (PKCS12)"),
                InputSpec.optional("truststore_type", InputType.STRING, "auto", "auto, jks, pkcs12 or pem"),
                InputSpec.optional("protocol", InputType.STRING, "tls",
                        "tls (TLS from the first byte), postgres (SSLRequest first) or mysql (SSL request packet first)")
                        .oneOf("tls", "postgres", "mysql"),
                InputSpec.optional("verify_hostname", InputType.BOOL, true,
                        "check the certificate names the host (as pgjdbc sslmode=verify-full does)"),
                InputSpec.optional("server_name", InputType.STRING, null,
                        "name to verify and send as SNI when it differs from host (e.g. connecting by IP)"),
                InputSpec.optional("timeout", InputType.DURATION, "10s", "connect and handshake timeout"));
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.CHECKS_NEW_CONNECTION);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("host", "the host connected to"),
                OutputSpec.integer("port", "the port connected to"),
                OutputSpec.string("protocol", "tls, postgres or mysql"),
                OutputSpec.string("tls_protocol", "the negotiated TLS version, e.g. TLSv1.3"),
                OutputSpec.string("cipher_suite", "the negotiated cipher suite"),
                OutputSpec.bool("hostname_verified", "whether the certificate was checked against the host name"),
                OutputSpec.list("server_chain",
                        "the certificates the server sent: {subject, issuer, sha256, not_after}"),
                OutputSpec.map("trust_anchor",
                        "the truststore entry that anchored the chain: {alias, subject, sha256}"));
    }

    @Override
    public StepResult check(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        String protocol = in.string("protocol").trim().toLowerCase(Locale.ROOT);
        if (!List.of("tls", "postgres", "mysql").contains(protocol)) {
            throw new StepFailedException("input 'protocol': '" + protocol + "' is not supported; use tls, postgres or mysql");
        }
        long port = in.integer("port");
        if (port < 1 || port > 65535) {
            throw new StepFailedException("input 'port': " + port + " is not a TCP port (1-65535)");
        }
        String host = in.string("host").trim();
        String serverName = in.optionalString("server_name").map(String::trim).orElse(host);
        CertStore trust = CertStore.open(in.path("truststore").toAbsolutePath(), StoreInputs.type(in, "truststore_type"),
                StoreInputs.password(in, "truststore_password"), "truststore");
        if (trust.certificates().isEmpty()) {
            throw new StepFailedException("truststore " + trust.path() + " holds no certificates; nothing could be trusted");
        }
        TlsProbe.Request req = new TlsProbe.Request(host, (int) port, serverName, protocol,
                in.bool("verify_hostname", true), in.duration("timeout"));
        TlsProbe.Outcome o = TlsProbe.handshake(req, trust);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("host", host);
        out.put("port", port);
        out.put("protocol", protocol);
        out.put("tls_protocol", o.tlsProtocol());
        out.put("cipher_suite", o.cipherSuite());
        out.put("hostname_verified", req.verifyHostname());
        List<Map<String, Object>> chain = new ArrayList<>();
        for (X509Certificate c : o.chain()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("subject", CertFacts.subject(c));
            m.put("issuer", CertFacts.issuer(c));
            m.put("sha256", CertFacts.sha256(c));
            m.put("not_after", CertFacts.instant(c.getNotAfter().toInstant()));
            chain.add(m);
        }
        out.put("server_chain", chain);
        out.put("trust_anchor", anchor(trust, o.chain()));
        return StepResult.done(out, o.tlsProtocol() + " " + o.cipherSuite() + " with " + req.where()
                + ", trusted through " + ((Map<?, ?>) out.get("trust_anchor")).get("subject"));
    }

    /** The store entry that anchored the chain: a chain certificate held in the store, or the store's issuer of the top one. */
    static Map<String, Object> anchor(CertStore trust, List<X509Certificate> chain) throws StepFailedException {
        List<CertStore.Entry> entries = trust.entries();
        for (X509Certificate c : chain) {
            String fp = CertFacts.sha256(c);
            for (CertStore.Entry e : entries) {
                if (e.cert() != null && CertFacts.sha256(e.cert()).equals(fp)) {
                    return describe(e);
                }
            }
        }
        X509Certificate top = chain.get(chain.size() - 1);
        for (CertStore.Entry e : entries) {
            if (e.cert() != null && e.cert().getSubjectX500Principal().equals(top.getIssuerX500Principal())
                    && HandshakeDiagnosis.signedBy(top, e.cert())) {
                return describe(e);
            }
        }
        return Map.of("subject", CertFacts.issuer(top), "alias", "", "sha256", "");
    }

    private static Map<String, Object> describe(CertStore.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alias", e.alias());
        m.put("subject", CertFacts.subject(e.cert()));
        m.put("sha256", CertFacts.sha256(e.cert()));
        return m;
    }
}
