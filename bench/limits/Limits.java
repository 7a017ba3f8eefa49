import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The machine's limits as seen from the JVM: the cost of spawning /bin/true and waiting for it
 * (ProcessBuilder, output drained), and of one fsync'd 300-byte append (FileChannel.force(false)).
 * Prints one line per measurement: name, then every sample in microseconds.
 * Usage: java Limits.java DIR ROUNDS
 */
public final class Limits {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Files.createDirectories(dir);
        // warm-up, then measure
        spawn(50);
        fsync(dir, 200);
        long[] sp = spawn(rounds);
        long[] fs = fsync(dir, rounds * 4);
        System.out.println("spawn_us " + join(sp));
        System.out.println("fsync_us " + join(fs));
    }

    static long[] spawn(int n) throws IOException, InterruptedException {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            Process p = new ProcessBuilder("/bin/true").redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                in.readAllBytes();
            }
            p.getOutputStream().close();
            p.waitFor();
            out[i] = (System.nanoTime() - t) / 1000;
        }
        return out;
    }

    static long[] fsync(Path dir, int n) throws IOException {
        Path f = dir.resolve("fsync-test.jsonl");
        Files.deleteIfExists(f);
        byte[] line = new byte[300];
        Arrays.fill(line, (byte) 'x');
        line[299] = '\n';
        long[] out = new long[n];
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                ch.write(ByteBuffer.wrap(line));
                ch.force(false);
                out[i] = (System.nanoTime() - t) / 1000;
            }
        }
        Files.deleteIfExists(f);
        return out;
    }

    static String join(long[] v) {
        StringBuilder sb = new StringBuilder();
        for (long x : v) {
            sb.append(sb.length() == 0 ? "" : " ").append(x);
        }
        return sb.toString();
    }
}
