package dev.cutover.ssh;

import dev.cutover.spi.Host;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Files on a remote host over one SFTP channel, by the {@link dev.cutover.spi.AtomicFiles} policy: the new
 * content goes to a temp file beside the target (created exclusively, its mode set before a byte is
 * written), is fsync'd when the server has {@code fsync@openssh.com}, takes the old file's owner where the
 * login may give it, and is renamed over the target with {@code posix-rename@openssh.com} (atomic); a
 * symbolic link is resolved first, so the link stays a link.
 */
final class SftpFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SftpFiles.class);
    private static final int CHUNK = 32 * 1024;

    private final SftpClient sftp;
    private final String host;

    SftpFiles(SftpClient sftp, String host) {
        this.sftp = sftp;
        this.host = host;
    }

    byte[] read(String path) throws IOException {
        try (InputStream in = sftp.read(path)) {
            return in.readAllBytes();
        } catch (SftpException e) {
            throw translate(e, path);
        }
    }

    /** Attributes of what {@code path} names, following a link, or empty; owner and group as numbers. */
    Optional<Raw> stat(String path) throws IOException {
        SftpClient.Attributes link;
        try {
            link = sftp.lstat(path);
        } catch (SftpException e) {
            if (missing(e)) {
                return Optional.empty();
            }
            throw translate(e, path);
        }
        SftpClient.Attributes a = link;
        boolean symlink = link.isSymbolicLink();
        if (symlink) {
            try {
                a = sftp.lstat(target(path)); // followed here: not every server's stat follows a link
            } catch (SftpException e) {
                if (missing(e)) {
                    return Optional.empty(); // a dangling link: nothing there to read
                }
                throw translate(e, path);
            }
        }
        return Optional.of(new Raw(a.getSize(), permissions(a.getPermissions()), a.getUserId(), a.getGroupId(),
                symlink, a.isDirectory()));
    }

    /** What {@link #stat} reads: owner and group are numbers, named by the host. */
    record Raw(long size, Set<PosixFilePermission> permissions, int uid, int gid, boolean symlink, boolean directory) {
    }

    void replace(String path, byte[] content, Set<PosixFilePermission> newFilePermissions) throws IOException {
        String target = target(path);
        int slash = target.lastIndexOf('/');
        String dir = slash < 0 ? "." : slash == 0 ? "/" : target.substring(0, slash);
        String name = target.substring(slash + 1);
        Optional<Raw> old = stat(target);
        String temp = (dir.equals("/") ? "" : dir) + "/." + name + "." + UUID.randomUUID().toString().substring(0, 8)
                + ".tmp";
        int mode = mode(old.map(Raw::permissions).orElse(newFilePermissions));
        boolean renamed = false;
        try {
            try (SftpClient.CloseableHandle h = sftp.open(temp, EnumSet.of(SftpClient.OpenMode.Write,
                    SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive))) {
                sftp.setStat(h, new SftpClient.Attributes().perms(mode));
                for (int off = 0; off < content.length; off += CHUNK) {
                    sftp.write(h, off, content, off, Math.min(CHUNK, content.length - off));
                }
                OpenSSHFsyncExtension fsync = sftp.getExtension(OpenSSHFsyncExtension.class);
                if (fsync != null && fsync.isSupported()) {
                    fsync.fsync(h);
                }
            } catch (SftpException e) {
                throw translate(e, temp);
            }
            if (old.isPresent()) {
                Raw o = old.get();
                try {
                    sftp.setStat(temp, new SftpClient.Attributes().owner(o.uid(), o.gid()));
                } catch (SftpException e) {
                    LOG.debug("{}: cannot give {} to uid {} gid {}: {}", host, temp, o.uid(), o.gid(), e.getMessage());
                }
            }
            OpenSSHPosixRenameExtension rename = sftp.getExtension(OpenSSHPosixRenameExtension.class);
            try {
                if (rename != null && rename.isSupported()) {
                    rename.posixRename(temp, target);
                } else {
                    sftp.rename(temp, target, SftpClient.CopyMode.Atomic, SftpClient.CopyMode.Overwrite);
                }
            } catch (SftpException e) {
                throw translate(e, target);
            }
            renamed = true;
        } finally {
            if (!renamed) {
                try {
                    sftp.remove(temp);
                } catch (IOException e) {
                    LOG.debug("{}: temp file {} not removed: {}", host, temp, e.getMessage());
                }
            }
        }
    }

    boolean delete(String path) throws IOException {
        try {
            sftp.lstat(path);
        } catch (SftpException e) {
            if (missing(e)) {
                return false;
            }
            throw translate(e, path);
        }
        try {
            sftp.remove(path);
            return true;
        } catch (SftpException e) {
            if (missing(e)) {
                return false;
            }
            throw translate(e, path);
        }
    }

    /** The file a write to {@code path} replaces: a link's destination (followed link by link), else the path. */
    private String target(String path) throws IOException {
        String p = path;
        for (int hops = 0; hops < 40; hops++) {
            SftpClient.Attributes a;
            try {
                a = sftp.lstat(p);
            } catch (SftpException e) {
                if (missing(e)) {
                    return p;
                }
                throw translate(e, p);
            }
            if (!a.isSymbolicLink()) {
                return p;
            }
            String to = sftp.readLink(p);
            int slash = p.lastIndexOf('/');
            p = to.startsWith("/") || slash < 0 ? to : p.substring(0, slash + 1) + to;
        }
        throw new IOException(host + ": " + path + ": too many levels of symbolic links");
    }

    private static boolean missing(SftpException e) {
        return e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH;
    }

    private IOException translate(SftpException e, String path) {
        if (missing(e)) {
            NoSuchFileException n = new NoSuchFileException(path, null, "no such file on " + host);
            n.initCause(e);
            return n;
        }
        if (e.getStatus() == SftpConstants.SSH_FX_PERMISSION_DENIED) {
            return new java.nio.file.AccessDeniedException(path, null, "permission denied on " + host);
        }
        return new IOException(host + ": " + path + ": " + e.getMessage(), e);
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, bit 8 down to 0
        for (int i = 0; i < all.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                out.add(all[i]);
            }
        }
        return out;
    }

    static int mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return m;
    }
}
