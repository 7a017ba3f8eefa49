package dev.cutover.journal;

import dev.cutover.spi.AtomicFiles;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * Ed25519 key pairs for sealing journals: generation, PEM files (PKCS#8 private key, SubjectPublicKeyInfo
 * public key, as {@code openssl} writes them) and fingerprints.
 */
public final class SealKeys {
    /** The signature algorithm recorded in a seal. */
    public static final String ALGORITHM = "Ed25519";
    /** The private key file {@link #generate} writes. */
    public static final String PRIVATE_FILE = "cutover-sign-key.pem";
    /** The public key file {@link #generate} writes. */
    public static final String PUBLIC_FILE = "cutover-sign-pub.pem";

    private static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

    private SealKeys() {
    }

    /**
     * What {@link #generate} wrote.
     *
     * @param privateKey  the private key file (mode 0600)
     * @param publicKey   the public key file
     * @param fingerprint the public key's fingerprint
     */
    public record Generated(Path privateKey, Path publicKey, String fingerprint) {
    }

    /** Creates a key pair in {@code dir}; refuses to overwrite an existing key file. */
    public static Generated generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path priv = dir.resolve(PRIVATE_FILE);
        Path pub = dir.resolve(PUBLIC_FILE);
        for (Path p : new Path[] {priv, pub}) {
            if (Files.exists(p)) {
                throw new FileAlreadyExistsException(p.toString(), null,
                        "a key file already exists; move it away or choose another --out directory");
            }
        }
        Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
        g.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        AsymmetricCipherKeyPair kp = g.generateKeyPair();
        SealSigningKey signing = new SealSigningKey((Ed25519PrivateKeyParameters) kp.getPrivate());
        // plain PKCS#8 v1 (RFC 8410), without the optional public key, so openssl 3 reads it too
        byte[] der = new PrivateKeyInfo(new AlgorithmIdentifier(ED25519),
                new DEROctetString(((Ed25519PrivateKeyParameters) kp.getPrivate()).getEncoded())).getEncoded();
        writeAtomically(priv, pem("PRIVATE KEY", der), true);
        writeAtomically(pub, signing.publicKey().pem(), false);
        return new Generated(priv, pub, signing.publicKey().fingerprint());
    }

    /** Reads a private key PEM file; the error says what is wrong with it without showing its content. */
    public static SealSigningKey readPrivate(Path file) throws IOException {
        PemObject pem = readPem(file);
        if (!pem.getType().equals("PRIVATE KEY")) {
            throw new IOException(file + " holds a " + pem.getType() + ", not an Ed25519 PRIVATE KEY (PKCS#8); "
                    + "create one with 'cutover keygen --out DIR'");
        }
        PrivateFiles.requireOwnerOnly(file);
        AsymmetricKeyParameter key;
        try {
            key = PrivateKeyFactory.createKey(pem.getContent());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a readable PKCS#8 private key", e);
        }
        if (!(key instanceof Ed25519PrivateKeyParameters ed)) {
            throw new IOException(file + " is not an Ed25519 key; cutover seals with Ed25519 only");
        }
        return new SealSigningKey(ed);
    }

    /** Reads a public key PEM file ({@code -----BEGIN PUBLIC KEY-----}). */
    public static SealPublicKey readPublic(Path file) throws IOException {
        PemObject pem = readPem(file);
        if (pem.getType().contains("PRIVATE")) {
            throw new IOException(file + " is a private key; verification needs only the public key ("
                    + PUBLIC_FILE + ")");
        }
        if (!pem.getType().equals("PUBLIC KEY")) {
            throw new IOException(file + " holds a " + pem.getType() + ", not a PUBLIC KEY");
        }
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(pem.getContent());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a readable public key", e);
        }
        if (!(key instanceof Ed25519PublicKeyParameters ed)) {
            throw new IOException(file + " is not an Ed25519 public key");
        }
        return new SealPublicKey(ed);
    }

    static String publicPem(Ed25519PublicKeyParameters key) {
        try {
            return pem("PUBLIC KEY", SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] publicDer(Ed25519PublicKeyParameters key) {
        try {
            return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PemObject readPem(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no key file " + file);
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        PemObject pem;
        try (PemReader r = new PemReader(new StringReader(text))) {
            pem = r.readPemObject();
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a PEM file", e);
        }
        if (pem == null) {
            throw new IOException(file + " is not a PEM file (no -----BEGIN ...----- line)");
        }
        return pem;
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter sw = new StringWriter();
        try (PemWriter w = new PemWriter(sw)) {
            w.writeObject(new PemObject(type, der));
        }
        return sw.toString();
    }

    /** Writes a new key file by the {@link AtomicFiles} policy: 0600 for the private key, 0644 for the public one. */
    private static void writeAtomically(Path target, String text, boolean secret) throws IOException {
        AtomicFiles.writeString(target, text, secret ? AtomicFiles.OWNER_ONLY : PosixFilePermissions.fromString("rw-r--r--"));
    }
}
