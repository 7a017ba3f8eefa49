package dev.cutover.postgres;

import dev.cutover.spi.StepFailedException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the certificate a PostgreSQL server presents on a new connection: sends the protocol's
 * SSLRequest, starts a TLS handshake, records the server's certificate and aborts the handshake.
 * It never trusts or talks to the server beyond that, so it needs no truststore.
 */
final class ServerTlsPeek {
    private static final int SSL_REQUEST_CODE = 80877103;

    private ServerTlsPeek() {
    }

    static X509Certificate presented(String host, int port, int timeoutMillis) throws StepFailedException {
        AtomicReference<X509Certificate> seen = new AtomicReference<>();
        X509TrustManager recorder = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                seen.set(chain.length == 0 ? null : chain[0]);
                throw new CertificateException("certificate recorded; handshake aborted on purpose");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            DataOutputStream out = new DataOutputStream(plain.getOutputStream());
            out.writeInt(8);
            out.writeInt(SSL_REQUEST_CODE);
            out.flush();
            int answer = new DataInputStream(plain.getInputStream()).read();
            if (answer != 'S') {
                throw new StepFailedException("PostgreSQL at " + host + ":" + port + " does not offer TLS (ssl is off)");
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {recorder}, null);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, false)) {
                tls.startHandshake();
            } catch (SSLException expected) {
                // the recorder aborts every handshake once it has the certificate
            }
        } catch (IOException e) {
            throw new StepFailedException("cannot reach PostgreSQL at " + host + ":" + port + " to read its certificate: "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("cannot set up TLS to read the server certificate: " + e.getMessage());
        }
        if (seen.get() == null) {
            throw new StepFailedException("PostgreSQL at " + host + ":" + port + " presented no certificate");
        }
        return seen.get();
    }
}
