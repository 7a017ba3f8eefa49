package dev.cutover.tls;

import dev.cutover.spi.StepFailedException;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Connects to a server (after a protocol preamble when needed), runs a TLS handshake against a store, explains failures. */
final class TlsProbe {
    /** What to connect to and how. */
    record Request(String host, int port, String serverName, String protocol, boolean verifyHostname, Duration timeout) {
        String where() {
            return host + ":" + port;
        }
    }

    /** A completed handshake: negotiated protocol and cipher and the server's chain. */
    record Outcome(String tlsProtocol, String cipherSuite, List<X509Certificate> chain) {
    }

    private TlsProbe() {
    }

    static Outcome handshake(Request req, CertStore trust) throws StepFailedException {
        RecordingTrustManager tm = trustManager(trust, req.verifyHostname());
        SSLContext ctx;
        try {
            ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{tm}, null);
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("cannot set up TLS: " + e.getMessage());
        }
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, req.timeout().toMillis());
        try (Socket plain = new Socket()) {
            connect(plain, req, timeoutMs);
            plain.setSoTimeout(timeoutMs);
            switch (req.protocol()) {
                case "postgres" -> Preambles.postgres(plain, req.where());
                case "mysql" -> Preambles.mysql(plain, req.where());
                default -> {
                }
            }
            try (SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(plain, req.serverName(), req.port(), false)) {
                SSLParameters params = ssl.getSSLParameters();
                if (req.verifyHostname()) {
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                }
                if (!isIpLiteral(req.serverName())) {
                    params.setServerNames(List.of(new SNIHostName(req.serverName())));
                }
                ssl.setSSLParameters(params);
                ssl.startHandshake();
                SSLSession s = ssl.getSession();
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate c : s.getPeerCertificates()) {
                    chain.add((X509Certificate) c);
                }
                return new Outcome(s.getProtocol(), s.getCipherSuite(), chain);
            }
        } catch (SSLException e) {
            throw new StepFailedException(HandshakeDiagnosis.explain(req, trust, tm, e), e);
        } catch (SocketTimeoutException e) {
            throw new StepFailedException(req.where() + " did not answer within " + req.timeout().toSeconds()
                    + "s; check the host, port and firewall" + ("tls".equals(req.protocol())
                    ? " (if this is PostgreSQL, use protocol: postgres)" : ""));
        } catch (EOFException e) {
            throw new StepFailedException(req.where() + " closed the connection during the handshake");
        } catch (IOException e) {
            throw new StepFailedException("TLS connection to " + req.where() + " failed: " + e.getMessage());
        }
    }

    private static void connect(Socket plain, Request req, int timeoutMs) throws StepFailedException {
        try {
            plain.connect(new InetSocketAddress(req.host(), req.port()), timeoutMs);
        } catch (UnknownHostException e) {
            throw new StepFailedException("cannot resolve host '" + req.host() + "'; check input 'host' and DNS");
        } catch (ConnectException e) {
            throw new StepFailedException("cannot connect to " + req.where() + ": " + e.getMessage()
                    + "; is the server running and listening on that port?");
        } catch (SocketTimeoutException e) {
            throw new StepFailedException("no TCP connection to " + req.where() + " within "
                    + req.timeout().toSeconds() + "s; check the host, port and firewall");
        } catch (IOException e) {
            throw new StepFailedException("cannot connect to " + req.where() + ": " + e.getMessage());
        }
    }

    private static RecordingTrustManager trustManager(CertStore trust, boolean verifyHostname) throws StepFailedException {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(trust.asTrustStore());
            for (TrustManager t : f.getTrustManagers()) {
                if (t instanceof X509ExtendedTrustManager x) {
                    return new RecordingTrustManager(x, verifyHostname);
                }
            }
            throw new StepFailedException("the JDK offers no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("cannot use " + trust.path() + " as a truststore: " + e.getMessage());
        }
    }

    static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }
}
