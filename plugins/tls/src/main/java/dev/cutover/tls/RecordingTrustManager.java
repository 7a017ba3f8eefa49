package dev.cutover.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Wraps the JDK's PKIX trust manager, remembering the chain the server presented and which check
 * failed: path validation ("trust") or hostname verification ("hostname"), so failures can be explained.
 */
final class RecordingTrustManager extends X509ExtendedTrustManager {
    enum Stage { NONE, TRUST, HOSTNAME }

    private final X509ExtendedTrustManager delegate;
    private final boolean verifyHostname;
    private volatile X509Certificate[] chain;
    private volatile Stage failedAt = Stage.NONE;
    private volatile CertificateException failure;

    RecordingTrustManager(X509ExtendedTrustManager delegate, boolean verifyHostname) {
        this.delegate = delegate;
        this.verifyHostname = verifyHostname;
    }

    X509Certificate[] chain() {
        return chain;
    }

    Stage failedAt() {
        return failedAt;
    }

    CertificateException failure() {
        return failure;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, Socket socket) throws CertificateException {
        chain = presented.clone();
        try {
            delegate.checkServerTrusted(presented, authType);
        } catch (CertificateException e) {
            failedAt = Stage.TRUST;
            failure = e;
            throw e;
        }
        if (verifyHostname) {
            try {
                delegate.checkServerTrusted(presented, authType, socket);
            } catch (CertificateException e) {
                failedAt = Stage.HOSTNAME;
                failure = e;
                throw e;
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("this probe only uses sockets");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType) throws CertificateException {
        checkServerTrusted(presented, authType, (Socket) null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this probe is a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("this probe is a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType) throws CertificateException {
        throw new CertificateException("this probe is a client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
