package dev.cutover.cli;

import dev.cutover.spi.AtomicFiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * runbooks/tls-server-cert-renewal.yaml against the real release service serving HTTPS from its PKCS12
 * keystore: a renewal succeeds and the new certificate is served; a certificate from a CA the clients do not
 * trust rolls back byte for byte and the old certificate is served again; {@code rehearse --fail-each} proves
 * every rollback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsServerCertRenewalRunbookIT {
    private static final String STORE_PW = "svc-store-pw-8812";
    private static final String TRUST_PW = "client-trust-pw-4410";
    private static final Map<String, String> SECRETS = Map.of("SERVICE_KEYSTORE_PASSWORD", STORE_PW,
            "CLIENT_TRUSTSTORE_PASSWORD", TRUST_PW);
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static Path work;
    private static ReleaseServiceFixture service;
    private static Path runbook;
    private static Path keystore;
    private static KeyPair caKeys;
    private static X509Certificate ca;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("cutover-cert-renewal-it-");
        service = new ReleaseServiceFixture(work);
        runbook = service.runbooks.resolve("tls-server-cert-renewal.yaml");
        caKeys = rsa();
        ca = cert("CN=Bank Issuing CA", caKeys, "CN=Bank Issuing CA", caKeys, true);
        KeyPair oldKeys = rsa();
        X509Certificate old = cert("CN=Bank Issuing CA", caKeys, "CN=localhost", oldKeys, false);
        keystore = work.resolve("service.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("release-service", oldKeys.getPrivate(), STORE_PW.toCharArray(), new X509Certificate[] {old, ca});
        save(ks, keystore, STORE_PW);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("bank-ca", ca);
        save(trust, work.resolve("client-trust.p12"), TRUST_PW);
        Files.writeString(service.config, "port=" + service.port + "\nrelease=2.4.1\nreleases_dir=" + service.releases
                + "\nkeystore=" + keystore + "\n");
        renewal("good", caKeys, "CN=Bank Issuing CA");
        renewal("wrong-ca", rsa(), "CN=Some Other CA");
        env("good");
        service.start(Map.of("RELEASE_SERVICE_KEYSTORE_PASSWORD", STORE_PW));
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        Trees.delete(work);
    }

    /** A new key and chain (leaf + issuer) issued by {@code issuerKeys}, as PEM files under renewal-NAME/. */
    private static void renewal(String name, KeyPair issuerKeys, String issuer) throws Exception {
        Path dir = Files.createDirectories(work.resolve("renewal-" + name));
        KeyPair keys = rsa();
        X509Certificate leaf = cert(issuer, issuerKeys, "CN=localhost", keys, false);
        X509Certificate issuerCert = issuer.equals("CN=Bank Issuing CA") ? ca
                : cert(issuer, issuerKeys, issuer, issuerKeys, true);
        pem(dir.resolve("server.key"), keys.getPrivate());
        pem(dir.resolve("chain.pem"), leaf, issuerCert);
    }

    private static void env(String renewal) throws Exception {
        Files.writeString(service.runbooks.resolve("environments/it.yaml"), "keystore: " + keystore + "\n"
                + "new_key: " + work.resolve("renewal-" + renewal + "/server.key") + "\n"
                + "new_chain: " + work.resolve("renewal-" + renewal + "/chain.pem") + "\n"
                + "client_truststore: " + work.resolve("client-trust.p12") + "\n"
                + "port: " + service.port + "\n"
                + "health_url: " + service.healthUrl("https") + "\n"
                + service.serviceEnvironment());
    }

    private static CliRun cutover(String command, String... more) {
        return new LibraryRunbook(runbook, work.resolve("state"), SECRETS).cutover(command, more);
    }

    /** SHA-256 of the certificate the service serves now, on a new connection. */
    private static String served() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("any", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", service.port)) {
            s.startHandshake();
            return fingerprint((X509Certificate) s.getSession().getPeerCertificates()[0]);
        }
    }

    @Test
    @Order(1)
    void renewsTheCertificateAndTheNewOneIsServed() throws Exception {
        String before = served();
        CliRun r = cutover("run", "--yes");
        assertEquals(0, r.exit(), r.all());
        String now = served();
        assertFalse(now.equals(before), "a new certificate is served");
        assertEquals(fingerprint((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificates(Files.newInputStream(work.resolve("renewal-good/chain.pem"))).iterator().next()),
                now);
        SECRETS.values().forEach(s -> assertFalse(r.all().contains(s), "a secret reached the console"));
    }

    @Test
    @Order(2)
    void aCertificateFromAnUntrustedCaRollsBackByteForByteAndTheOldOneIsServedAgain() throws Exception {
        env("wrong-ca");
        String store = AtomicFiles.sha256(keystore);
        String servedBefore = served();

        CliRun r = cutover("run", "--yes");

        assertEquals(1, r.exit(), r.all());
        assertTrue(r.all().contains("ROLLED_BACK"), r.all());
        assertEquals(store, AtomicFiles.sha256(keystore), "the keystore is back byte for byte");
        assertEquals(servedBefore, served(), "the previous certificate is served again");
    }

    @Test
    @Order(3)
    void rehearseFailEachProvesEveryRollback() throws Exception {
        renewal("next", caKeys, "CN=Bank Issuing CA");
        env("next");
        String store = AtomicFiles.sha256(keystore);
        new LibraryRunbook(runbook, work.resolve("state"), SECRETS)
                .assertRehearsalProven(List.of("install-new-cert", "restart-service"));
        assertEquals(store, AtomicFiles.sha256(keystore));
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static X509Certificate cert(String issuer, KeyPair issuerKeys, String subject, KeyPair keys, boolean isCa)
            throws Exception {
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()), new Date(now - 3_600_000),
                new Date(now + 400L * 86_400_000L), new X500Name(subject), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!isCa) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
    }

    private static void save(KeyStore ks, Path file, String password) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
    }

    private static void pem(Path file, Object... objects) throws Exception {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter p = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                p.writeObject(o);
            }
        }
        if (objects[0] instanceof PrivateKey) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static String fingerprint(X509Certificate c) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(c.getEncoded()));
    }
}
