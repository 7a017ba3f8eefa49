package dev.cutover.shell;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** An output stream that keeps only the last {@code capacity} bytes, counting what it dropped. */
final class TailBuffer extends OutputStream {
    private final byte[] ring;
    private long written;

    TailBuffer(int capacity) {
        this.ring = new byte[capacity];
    }

    @Override
    public synchronized void write(int b) {
        ring[(int) (written++ % ring.length)] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            write(b[off + i]);
        }
    }

    /** Bytes written in all. */
    synchronized long total() {
        return written;
    }

    /** The kept tail as UTF-8 text, prefixed with a note when the start was dropped. */
    synchronized String text() {
        int n = (int) Math.min(written, ring.length);
        byte[] out = new byte[n];
        long start = written - n;
        for (int i = 0; i < n; i++) {
            out[i] = ring[(int) ((start + i) % ring.length)];
        }
        String s = new String(out, StandardCharsets.UTF_8);
        return start > 0 ? "[" + start + " bytes cut]" + s : s;
    }
}
