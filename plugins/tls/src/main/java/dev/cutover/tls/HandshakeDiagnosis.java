package dev.cutover.tls;

import dev.cutover.spi.StepFailedException;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** Turns a failed handshake into an operator sentence: which certificate, which store, what to do. */
final class HandshakeDiagnosis {
    private HandshakeDiagnosis() {
    }

    static String explain(TlsProbe.Request req, CertStore trust, RecordingTrustManager tm, SSLException e)
            throws StepFailedException {
        X509Certificate[] chain = tm.chain();
        String where = req.where();
        if (chain == null || chain.length == 0) {
            return beforeCertificate(req, e);
        }
        X509Certificate leaf = chain[0];
        if (tm.failedAt() == RecordingTrustManager.Stage.HOSTNAME) {
            return "hostname mismatch: connected to '" + req.serverName() + "' (" + where + ") but the server certificate "
                    + "'" + CertFacts.subject(leaf) + "' is only valid for " + CertFacts.hostNames(leaf)
                    + "; connect with one of those names (input 'server_name') or reissue the certificate with '"
                    + req.serverName() + "' in its subject alternative names";
        }
        if (tm.failedAt() == RecordingTrustManager.Stage.TRUST) {
            return untrusted(where, trust, chain);
        }
        return "TLS handshake with " + where + " failed after the server sent its certificate '"
                + CertFacts.subject(leaf) + "': " + rootMessage(e);
    }

    private static String beforeCertificate(TlsProbe.Request req, SSLException e) {
        String msg = e.getMessage() != null && e.getMessage().contains("alert") ? e.getMessage() : rootMessage(e);
        String lower = (msg + " " + rootMessage(e)).toLowerCase(Locale.ROOT);
        if (lower.contains("received fatal alert")) {
            String alert = msg.substring(lower.indexOf("received fatal alert") + "received fatal alert".length())
                    .replace(":", "").trim();
            return "the server at " + req.where() + " aborted the handshake with alert '" + alert + "' before sending "
                    + "a certificate; it does not accept this client's TLS versions, ciphers or server name";
        }
        if (lower.contains("unsupported or unrecognized ssl message") || lower.contains("plaintext connection")) {
            return req.where() + " did not answer with TLS (it sent plain data)"
                    + ("tls".equals(req.protocol()) ? "; if this is PostgreSQL use protocol: postgres, MySQL protocol: mysql" : "");
        }
        if (lower.contains("terminated the handshake") || lower.contains("closed") || lower.contains("shut down")) {
            return req.where() + " closed the connection during the TLS handshake"
                    + ("tls".equals(req.protocol()) ? "; if this is PostgreSQL use protocol: postgres" : "");
        }
        return "TLS handshake with " + req.where() + " failed before the server sent a certificate: " + msg;
    }

    private static String untrusted(String where, CertStore trust, X509Certificate[] chain) throws StepFailedException {
        Date now = new Date();
        String store = trust.kind().label() + " store " + trust.path();
        List<X509Certificate> storeCerts = trust.certificates();
        X509Certificate top = topIssued(chain);
        for (X509Certificate c : chain) {
            if (c.getNotAfter().before(now)) {
                return "server certificate '" + CertFacts.subject(c) + "' from " + where + " expired on "
                        + CertFacts.instant(c.getNotAfter().toInstant()) + "; the server needs a renewed certificate";
            }
            if (c.getNotBefore().after(now)) {
                return "server certificate '" + CertFacts.subject(c) + "' from " + where + " is not valid before "
                        + CertFacts.instant(c.getNotBefore().toInstant()) + "; check the clocks";
            }
            if (c == top) {
                break;
            }
        }
        String issuer = CertFacts.issuer(top);
        List<X509Certificate> sameName = new ArrayList<>();
        for (X509Certificate c : storeCerts) {
            if (c.getSubjectX500Principal().equals(top.getIssuerX500Principal())) {
                sameName.add(c);
            }
        }
        String certificate = "server certificate '" + CertFacts.subject(chain[0]) + "' from " + where
                + (top == chain[0] ? " is issued by '" : " chains up to '" + CertFacts.subject(top) + "', issued by '")
                + issuer + "'";
        if (sameName.isEmpty()) {
            return certificate + " — no certificate with that subject in " + store + " (" + storeCerts.size()
                    + " entries); import that CA (tls.store-import) and restart the clients";
        }
        Optional<X509Certificate> signer = sameName.stream().filter(c -> signedBy(top, c)).findFirst();
        if (signer.isEmpty()) {
            return certificate + "; " + store + " has a certificate with that subject (sha256 " + CertFacts.sha256(sameName.get(0))
                    + ") but a different key, so it did not sign this chain; import the CA the server uses now";
        }
        return "the certificate chain from " + where + " did not validate against " + store + " although the issuer '"
                + issuer + "' is present: check key usage, basic constraints and algorithm restrictions";
    }

    /** The highest certificate of the chain that is not self-signed (the leaf when all are). */
    private static X509Certificate topIssued(X509Certificate[] chain) {
        for (int i = chain.length - 1; i > 0; i--) {
            if (!chain[i].getSubjectX500Principal().equals(chain[i].getIssuerX500Principal())) {
                return chain[i];
            }
        }
        return chain[0];
    }

    static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return dev.cutover.spi.ErrorText.of(t.getMessage() != null ? t : e);
    }
}
