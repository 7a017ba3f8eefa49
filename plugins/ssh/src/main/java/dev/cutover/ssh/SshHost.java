package dev.cutover.ssh;

import dev.cutover.spi.Host;
import dev.cutover.spi.HostSpec;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fleet host reached over one SSH connection ({@link SshConnector}): every command is a channel of that
 * connection, every file operation goes through one SFTP channel of it. Commands run in a session of their
 * own on the host under a wrapper ({@link RemoteShell}); environment variables and stdin travel on the
 * channel's input, never on the remote command line; a timeout or an interrupt kills every process of the
 * command's tag on the host before {@link #run} returns.
 *
 * @since 0.2
 */
public final class SshHost implements Host {
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(15);

    private final HostSpec spec;
    private final ClientSession session;
    private final AtomicInteger commands = new AtomicInteger();
    private final java.util.concurrent.ExecutorService io;
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private volatile SftpFiles files;
    /** The host's command shell ({@link CommandShell}); {@code shellLock} held by the command using it. */
    private final java.util.concurrent.locks.ReentrantLock shellLock = new java.util.concurrent.locks.ReentrantLock();
    private CommandShell shell;
    private volatile boolean shellRefused;

    SshHost(HostSpec spec, ClientSession session) {
        this.spec = spec;
        this.session = session;
        AtomicInteger n = new AtomicInteger();
        this.io = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "cutover-ssh-" + spec.name() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public boolean isLocal() {
        return false;
    }

    @Override
    public Map<String, String> values() {
        return spec.values();
    }

    /** The inventory entry this host was opened from. */
    public HostSpec spec() {
        return spec;
    }

    ClientSession session() {
        return session;
    }

    /** Whether the SSH connection is still open. */
    public boolean isOpen() {
        return session.isOpen();
    }

    /** How many commands ran over this connection (for tests and the report of a run). */
    public int commandsRun() {
        return commands.get();
    }

    /**
     * Runs the command. The SSH traffic runs on a thread of this host's own, never on the caller's: the
     * engine interrupts a step's thread on a timeout or Ctrl-C, and an interrupt must stop the command
     * (kill its tree on the host), not break the connection the host's other steps share.
     */
    @Override
    public Exec run(Command command) throws IOException, InterruptedException {
        if (command.argv().isEmpty()) {
            throw new IllegalArgumentException("an empty command");
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.Future<Exec> f = io.submit(() -> runHere(command, stop));
        try {
            return f.get();
        } catch (InterruptedException e) {
            stop.set(true);
            try {
                settle(f);
            } catch (IOException | RuntimeException ignored) {
                // the command is stopped either way; the interrupt is what the caller hears of
            }
            throw new InterruptedException("stopped while '" + command.argv().get(0) + "' ran on " + name());
        } catch (java.util.concurrent.ExecutionException e) {
            throw rethrow(e);
        }
    }

    /** Waits, deaf to interrupts, for work already under way; the interrupt is kept for the caller. */
    private <T> T settle(java.util.concurrent.Future<T> f) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    throw rethrow(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static IOException rethrow(java.util.concurrent.ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
            return io;
        }
        if (c instanceof RuntimeException r) {
            throw r;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new IOException(c);
    }

    /** A file operation on this host's I/O thread; an interrupt waits for it to finish, then stays set. */
    private <T> T file(java.util.concurrent.Callable<T> op) throws IOException {
        return settle(io.submit(op));
    }

    private Exec runHere(Command command, java.util.concurrent.atomic.AtomicBoolean stop) throws IOException {
        if (command.stdin().length == 0 && !shellRefused && shellLock.tryLock()) {
            try {
                CommandShell sh = shell();
                if (sh != null) {
                    return runInShell(sh, command, stop);
                }
            } finally {
                shellLock.unlock();
            }
        }
        return runOnChannel(command, stop);
    }

    /** The command shell, opened on first use; {@code null} when the host refuses one (then a channel each). */
    private CommandShell shell() throws IOException {
        if (shell != null && shell.usable()) {
            return shell;
        }
        if (shell != null) {
            shell.close();
            shell = null;
        }
        if (!session.isOpen()) {
            throw new IOException("lost the connection to " + name());
        }
        try {
            shell = CommandShell.open(name(), session, spec.settings().connectTimeout());
        } catch (IOException e) {
            if (!session.isOpen()) {
                throw new IOException("lost the connection to " + name() + ": " + e.getMessage(), e);
            }
            // e.g. a host that allows one session per connection: every command on a channel of its own
            org.slf4j.LoggerFactory.getLogger(SshHost.class).debug("{}: no command shell ({}), a channel per command",
                    name(), e.getMessage());
            shellRefused = true;
            return null;
        }
        return shell;
    }

    private Exec runInShell(CommandShell sh, Command command, java.util.concurrent.atomic.AtomicBoolean stop)
            throws IOException {
        String tag = RemoteShell.tagOf(command);
        long deadline = command.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + command.timeout().toNanos();
        CommandShell.Pending p;
        try {
            p = sh.start(command, tag);
        } catch (IOException e) {
            sh.discard();
            if (!session.isOpen()) {
                throw new IOException("lost the connection to " + name() + ": " + e.getMessage(), e);
            }
            return runOnChannel(command, stop); // the request never reached the shell
        }
        commands.incrementAndGet();
        try {
            while (true) {
                boolean stopped = stop.get();
                long left = deadline - System.nanoTime();
                if (stopped || left <= 0) {
                    killTag(tag);
                    // the shell reports the killed command; if it does not, it is out of step: a fresh one next time
                    try {
                        if (!p.await(KILL_TIMEOUT.toNanos())) {
                            sh.discard();
                        }
                    } catch (IOException e) {
                        sh.discard();
                    }
                    Exec r = p.result(true);
                    return new Exec(-1, r.stdout(), r.stderr(), !stopped);
                }
                if (p.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)))) {
                    return p.result(false);
                }
            }
        } catch (InterruptedException e) {
            // this host's I/O threads are interrupted only when the connector closes
            killTag(tag);
            sh.discard();
            throw new InterruptedIOException("the connection to " + name() + " is closing");
        } catch (IOException e) {
            sh.discard();
            if (!session.isOpen()) {
                throw new IOException("lost the connection to " + name() + " while '" + command.argv().get(0)
                        + "' ran: " + e.getMessage(), e);
            }
            throw new IOException(e.getMessage() + " while '" + command.argv().get(0) + "' ran; whether it finished"
                    + " is not known", e);
        }
    }

    private Exec runOnChannel(Command command, java.util.concurrent.atomic.AtomicBoolean stop) throws IOException {
        String tag = RemoteShell.tagOf(command);
        String line = RemoteShell.commandLine(command.argv(), command.directory(), tag);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long deadline = command.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + command.timeout().toNanos();
        ChannelExec ch = session.createExecChannel(line);
        commands.incrementAndGet();
        ch.setIn(new SequenceInputStream(new ByteArrayInputStream(RemoteShell.preamble(command.environment())),
                new ByteArrayInputStream(command.stdin())));
        ch.setOut(out);
        ch.setErr(err);
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        ch.addCloseFutureListener(f -> closed.countDown());
        try {
            ch.open().verify(spec.settings().connectTimeout());
            while (true) {
                if (stop.get()) {
                    kill(tag, ch);
                    return new Exec(-1, bytes(out), bytes(err), false);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    kill(tag, ch);
                    return new Exec(-1, bytes(out), bytes(err), true);
                }
                if (closed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            // this host's I/O threads are interrupted only when the connector closes
            kill(tag, ch);
            throw new InterruptedIOException("the connection to " + name() + " is closing");
        } catch (IOException e) {
            if (!session.isOpen()) {
                throw new IOException("lost the connection to " + name() + " while '" + command.argv().get(0)
                        + "' ran: " + e.getMessage(), e);
            }
            throw e;
        } finally {
            ch.close(false);
        }
        Integer status = ch.getExitStatus();
        int code = status != null ? status : RemoteShell.signalExit(ch.getExitSignal());
        if (status == null && ch.getExitSignal() == null && !session.isOpen()) {
            throw new IOException("lost the connection to " + name() + " while '" + command.argv().get(0) + "' ran");
        }
        return new Exec(code, bytes(out), bytes(err), false);
    }

    private static byte[] bytes(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toByteArray();
        }
    }

    /** Kills the command's processes on the host (its tag, their groups and sessions), the interrupt put aside. */
    private void kill(String tag, ChannelExec ch) {
        killTag(tag);
        ch.close(true);
    }

    /** Kills every process of {@code tag} on the host, on a channel of its own; the interrupt put aside. */
    private void killTag(String tag) {
        boolean interrupted = Thread.interrupted();
        try {
            ChannelExec k = session.createExecChannel(RemoteShell.kill(tag));
            k.setIn(new ByteArrayInputStream(new byte[0]));
            k.setOut(new ByteArrayOutputStream());
            k.setErr(new ByteArrayOutputStream());
            k.open().verify(spec.settings().connectTimeout());
            k.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), KILL_TIMEOUT);
            k.close(false);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(SshHost.class).warn("{}: could not stop the processes of {}: {}",
                    name(), tag, e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private SftpFiles files() throws IOException {
        SftpFiles f = files;
        if (f == null) {
            synchronized (this) {
                if (files == null) {
                    SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
                    files = new SftpFiles(sftp, name());
                }
                f = files;
            }
        }
        return f;
    }

    @Override
    public byte[] read(String path) throws IOException {
        return file(() -> files().read(path));
    }

    @Override
    public Optional<FileInfo> stat(String path) throws IOException {
        Optional<SftpFiles.Raw> raw = file(() -> files().stat(path));
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        SftpFiles.Raw r = raw.get();
        return Optional.of(new FileInfo(r.size(), r.permissions(), nameOf("passwd", r.uid()), nameOf("group", r.gid()),
                r.symlink(), r.directory()));
    }

    /** A user or group name as the host knows it (SFTP gives only numbers); the number when it has none. */
    private String nameOf(String database, int id) throws IOException {
        String key = database + ":" + id;
        String known = names.get(key);
        if (known != null) {
            return known;
        }
        String n = Integer.toString(id);
        try {
            Exec e = run(Command.of(List.of("getent", database, n), spec.settings().connectTimeout(), null));
            String text = e.stdoutText();
            if (e.exitCode() == 0 && text.contains(":")) {
                n = text.substring(0, text.indexOf(':'));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while naming uid/gid " + id + " on " + name());
        }
        names.put(key, n);
        return n;
    }

    @Override
    public void replace(String path, byte[] content, Set<PosixFilePermission> newFilePermissions) throws IOException {
        file(() -> {
            files().replace(path, content, newFilePermissions);
            return null;
        });
    }

    @Override
    public boolean delete(String path) throws IOException {
        return file(() -> files().delete(path));
    }

    /** Computed on the host ({@code sha256sum}) when it has it: the file does not cross the network. */
    @Override
    public String sha256(String path) throws IOException {
        try {
            Exec e = run(Command.of(List.of("sha256sum", "--", path), spec.settings().connectTimeout(), null));
            String text = e.stdoutText();
            if (e.exitCode() == 0 && text.length() >= 64 && text.substring(0, 64).matches("[0-9a-f]{64}")) {
                return text.substring(0, 64);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing " + path + " on " + name());
        }
        return Host.super.sha256(path);
    }

    void close() {
        try {
            SftpFiles f = files;
            session.close(false).await(Duration.ofSeconds(5));
            io.shutdownNow();
            if (f != null) {
                files = null;
            }
        } catch (IOException e) {
            // closing: nothing more to do
        }
    }

    @Override
    public String toString() {
        return name() + " (" + spec.user() + "@" + spec.address() + ":" + spec.port() + " over SSH)";
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
