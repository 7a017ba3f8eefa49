package dev.cutover.ssh;

import dev.cutover.spi.Host;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived shell on a host that runs a host's commands one after another on a single channel of its SSH
 * connection. An SSH command channel costs a session on the host and a start of the user's login shell, which
 * reads the user's start-up files (Debian's bash reads {@code ~/.bashrc} for every command sshd runs, and on
 * many hosts that file starts version managers or prints banners): this shell pays that once per host, then each
 * command costs a fork of the shell and the command itself.
 *
 * <p>A request is a header line {@code <nonce> <n>} and {@code n} lines of shell text (the command's
 * environment as {@code export} lines, its directory, its argv and its tag, all single-quoted) that the shell
 * evaluates in a subshell of its own, so nothing of one command reaches the next. The command runs as it does
 * under {@link RemoteShell}'s wrapper: with {@code setsid} in a session of its own, its stdin empty, and what it
 * leaves running in its group killed when it exits. Its stdout and stderr are the channel's; when it has ended
 * the shell writes a line {@code <nonce> <exit code>} on stdout and {@code <nonce>} on stderr, each after a
 * newline of its own. The nonce is 128 random bits chosen by cutover per command and never exported, so a
 * command cannot end its own output early. Secrets travel only on the channel's input, never on a command line.
 *
 * <p>Commands with input of their own use a channel each ({@link SshHost}); so does a command started while
 * this shell is busy.
 */
final class CommandShell implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The loop on the host; reads requests from stdin, which no command ever gets. */
    static final String LOOP = String.join("\n",
            "while IFS=' ' read -r x n; do",
            "  s=; while [ \"$n\" -gt 0 ]; do IFS= read -r l || exit 0; s=\"$s$l",
            "\"; n=$((n-1)); done",
            "  (",
            "    eval \"$s\"",
            "    if [ -n \"$cutover_dir\" ]; then cd -- \"$cutover_dir\" || exit 1; fi",
            "    unset cutover_dir",
            "    if command -v setsid >/dev/null 2>&1; then setsid \"$@\" & else \"$@\" & fi",
            "    c=$!; wait \"$c\"; r=$?",
            "    kill -KILL -\"$c\" 2>/dev/null",
            "    exit $r",
            "  ) </dev/null",
            "  r=$?",
            "  printf '\\n%s %s\\n' \"$x\" \"$r\"; printf '\\n%s\\n' \"$x\" >&2",
            "done");

    private final String host;
    private final ChannelExec channel;
    private final Sink out = new Sink(true);
    private final Sink err = new Sink(false);
    private OutputStream input;
    private volatile boolean broken;

    private CommandShell(String host, ChannelExec channel) {
        this.host = host;
        this.channel = channel;
        channel.setOut(out);
        channel.setErr(err);
    }

    /** Opens the shell on a fresh channel of {@code session}. */
    static CommandShell open(String host, ClientSession session, Duration timeout) throws IOException {
        ChannelExec ch = session.createExecChannel("exec /bin/sh -c " + RemoteShell.quote(LOOP) + " cutover-shell");
        CommandShell shell = new CommandShell(host, ch);
        ch.open().verify(timeout);
        shell.input = ch.getInvertedIn();
        return shell;
    }

    /** Whether the shell can take another command. */
    boolean usable() {
        return !broken && channel.isOpen() && !channel.isClosing();
    }

    /**
     * Starts a command. {@link Pending#await} waits for it.
     *
     * @throws IOException when the request could not be sent (the shell is then unusable)
     */
    Pending start(Host.Command command, String tag) throws IOException {
        String nonce = HexFormat.of().formatHex(bytes(16));
        String script = script(command, tag);
        long lines = script.chars().filter(c -> c == '\n').count();
        Pending p = new Pending(nonce);
        out.begin(p);
        err.begin(p);
        try {
            input.write((nonce + " " + lines + "\n" + script).getBytes(StandardCharsets.UTF_8));
            input.flush();
        } catch (IOException e) {
            broken = true;
            throw e;
        }
        return p;
    }

    private static String script(Host.Command command, String tag) {
        StringBuilder s = new StringBuilder(RemoteShell.exports(command.environment()));
        s.append("export ").append(dev.cutover.spi.ChildProcesses.TAG_VARIABLE).append('=')
                .append(RemoteShell.quote(tag)).append('\n');
        s.append("cutover_dir=").append(RemoteShell.quote(command.directory() == null ? "" : command.directory()))
                .append('\n');
        s.append("set --");
        for (String a : command.argv()) {
            s.append(' ').append(RemoteShell.quote(a));
        }
        return s.append('\n').toString();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Marks the shell unusable (its stream is no longer known to be in step) and closes its channel. */
    void discard() {
        broken = true;
        channel.close(true);
    }

    @Override
    public void close() {
        broken = true;
        channel.close(false);
    }

    /** A command under way. */
    final class Pending {
        private final byte[] outMark;
        private final byte[] errMark;
        private final Buffer stdout = new Buffer();
        private final Buffer stderr = new Buffer();
        private int exitCode = Integer.MIN_VALUE;
        private boolean outDone;
        private boolean errDone;

        Pending(String nonce) {
            this.outMark = ("\n" + nonce + " ").getBytes(StandardCharsets.US_ASCII);
            this.errMark = ("\n" + nonce + "\n").getBytes(StandardCharsets.US_ASCII);
        }

        /**
         * Waits up to {@code nanos} for the command to end.
         *
         * @return whether it ended
         * @throws IOException when the shell's channel closed first
         */
        synchronized boolean await(long nanos) throws InterruptedException, IOException {
            long end = System.nanoTime() + nanos;
            while (!(outDone && errDone)) {
                if (!channel.isOpen() || channel.isClosing()) {
                    broken = true;
                    throw new IOException("the command shell on " + host + " ended");
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        }

        synchronized Host.Exec result(boolean timedOut) {
            return new Host.Exec(timedOut ? -1 : exitCode, stdout.bytes(), stderr.bytes(), timedOut);
        }

        /** Takes bytes of stdout or stderr; what follows the end mark is not this command's. */
        private synchronized void take(boolean isOut, byte[] b, int off, int len) {
            if (isOut ? outDone : errDone) {
                return; // left behind by something the command started: not this command's output
            }
            Buffer buf = isOut ? stdout : stderr;
            byte[] mark = isOut ? outMark : errMark;
            // (a mark may have come whole before its exit code's line was complete: look a few bytes further back)
            int from = Math.max(0, buf.size - mark.length - 8);
            buf.write(b, off, len);
            int at = buf.indexOf(mark, from);
            if (at < 0) {
                return;
            }
            if (isOut) {
                int eol = buf.indexOf(new byte[] {'\n'}, at + mark.length);
                if (eol < 0) {
                    return; // the exit code's line is not complete yet
                }
                exitCode = Integer.parseInt(new String(buf.data, at + mark.length, eol - at - mark.length,
                        StandardCharsets.US_ASCII).trim());
                outDone = true;
            } else {
                errDone = true;
            }
            buf.size = at;
            notifyAll();
        }
    }

    /** A growing byte buffer searched in place. */
    private static final class Buffer {
        private byte[] data = new byte[256];
        private int size;

        void write(byte[] b, int off, int len) {
            if (size + len > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + len));
            }
            System.arraycopy(b, off, data, size, len);
            size += len;
        }

        int indexOf(byte[] needle, int from) {
            outer:
            for (int i = from; i <= size - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (data[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        byte[] bytes() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
    /** The channel's stdout or stderr: hands what arrives to the command under way. */
    private static final class Sink extends OutputStream {
        private final boolean isOut;
        private volatile Pending current;

        Sink(boolean isOut) {
            this.isOut = isOut;
        }

        void begin(Pending p) {
            current = p;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Pending p = current;
            if (p != null) {
                p.take(isOut, b, off, len);
            }
        }
    }
}
