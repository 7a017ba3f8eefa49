package dev.cutover.tls;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.spi.Host;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A store file on the host the step works on ({@link StepContext#host()}): read, hashed, replaced and deleted
 * there, over SFTP for a remote host, so the keystore is read, changed in memory and written back by cutover
 * and the host needs no Java. Bundles and backups stay on cutover's machine.
 */
final class HostStore {
    private HostStore() {
    }

    /** Where the step works, for messages: empty on this machine, {@code " on web-1"} on a fleet host. */
    static String where(StepContext context) {
        Host h = context.host();
        return h.isLocal() ? "" : " on " + h.name();
    }

    static Optional<Host.FileInfo> stat(StepContext context, Path path) throws StepFailedException {
        try {
            return context.host().stat(path.toString());
        } catch (IOException e) {
            throw new StepFailedException("cannot look at " + path + where(context) + ": " + e.getMessage());
        }
    }

    static boolean isFile(StepContext context, Path path) throws StepFailedException {
        return stat(context, path).filter(i -> !i.directory()).isPresent();
    }

    static boolean isDirectory(StepContext context, Path path) throws StepFailedException {
        return stat(context, path).filter(Host.FileInfo::directory).isPresent();
    }

    /** The file's bytes, or an operator error naming the file, the host and the input it came from. */
    static byte[] read(StepContext context, Path path, String input) throws StepFailedException {
        Host h = context.host();
        if (h.isLocal()) {
            return CertificateReader.readBytes(path, input);
        }
        try {
            return h.read(path.toString());
        } catch (NoSuchFileException e) {
            throw new StepFailedException("input '" + input + "': file " + path + " does not exist" + where(context)
                    + "; check the path");
        } catch (IOException e) {
            throw new StepFailedException("input '" + input + "': cannot read " + path + where(context) + ": "
                    + e.getMessage());
        }
    }

    /** Replaces the file by the {@link AtomicFiles} policy (through {@code renamer} on this machine). */
    static void write(StepContext context, Path path, byte[] bytes, AtomicFiles.Renamer renamer) throws IOException {
        Host h = context.host();
        if (h.isLocal()) {
            AtomicFiles.replace(path, bytes, AtomicFiles.OWNER_ONLY, renamer);
        } else {
            h.replace(path.toString(), bytes, AtomicFiles.OWNER_ONLY);
        }
    }

    static String sha256(StepContext context, Path path) throws IOException {
        return context.host().sha256(path.toString());
    }

    static boolean delete(StepContext context, Path path) throws IOException {
        return context.host().delete(path.toString());
    }
}
