package dev.cutover.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/** File helpers for the demo: atomic owner-only writes, truststores, hashes, and tree deletion. */
final class DemoFiles {

    private DemoFiles() {
    }

    /** Writes atomically (temp file beside it, fsync, rename); {@code ownerOnly} makes it 0600. */
    static Path write(Path file, byte[] bytes, boolean ownerOnly) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(ownerOnly ? "rw-------" : "rw-r--r--"));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    static Path write(Path file, String text, boolean ownerOnly) throws IOException {
        return write(file, text.getBytes(StandardCharsets.UTF_8), ownerOnly);
    }

    /** A PKCS12 truststore holding exactly these CA certificates, aliased by their CN. */
    static Path truststore(Path file, char[] password, X509Certificate... cas) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (X509Certificate ca : cas) {
                ks.setCertificateEntry(alias(ca), ca);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, password);
            return write(file, out.toByteArray(), false);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write truststore " + file + ": " + e.getMessage(), e);
        }
    }

    static String alias(X509Certificate c) {
        String dn = c.getSubjectX500Principal().getName();
        String cn = dn.replaceAll("^.*?CN=([^,]+).*$", "$1");
        return cn.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    /** A certificate's SHA-256 fingerprint as keytool prints it (and every cutover step): {@code AB:CD:...}. */
    static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode " + c.getSubjectX500Principal(), e);
        }
    }

    /** Deletes a directory tree; missing is fine. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** Quotes a word for a POSIX shell script. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
