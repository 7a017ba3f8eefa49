package dev.cutover.runbook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the files a user names (runbooks, environment files, secret files) with a size limit checked
 * while reading, so {@code /dev/zero}, a FIFO that never ends or a multi-gigabyte file costs at most
 * the limit in memory and time, and is refused with a clear message.
 */
public final class BoundedFiles {
    /** Runbooks and environment files: far more than any real one (the flagship is 10 KiB). */
    public static final int INPUT_LIMIT = 4 * 1024 * 1024;
    /** A secret file ({@code from: file:PATH}). */
    public static final int SECRET_LIMIT = 64 * 1024;

    private BoundedFiles() {
    }

    /** A file over its limit. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String what, int limit) {
            super("the " + what + " is larger than " + size(limit) + "; cutover reads at most that much");
        }

        /** What to do. */
        public String hint() {
            return "check the path: this is not a file cutover can use (a device, a pipe or a very large file)";
        }
    }

    /** A file that is not UTF-8 text. */
    public static final class NotTextException extends IOException {
        private static final long serialVersionUID = 1L;

        NotTextException(String what) {
            super("the " + what + " is not valid UTF-8 text");
        }

        /** What to do. */
        public String hint() {
            return "save it as UTF-8 text";
        }
    }

    /** At most {@code limit} bytes of the file; more is a {@link TooLargeException}. */
    public static byte[] readBytes(Path file, int limit, String what) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new TooLargeException(what, limit);
            }
            return bytes;
        }
    }

    /** The file as strict UTF-8 text of at most {@code limit} bytes. */
    public static String readText(Path file, int limit, String what) throws IOException {
        return decode(readBytes(file, limit, what), what);
    }

    /** Lenient: malformed bytes become U+FFFD (for secret and value files, whose content is not parsed). */
    static String readString(Path file, int limit, String what) throws IOException {
        return new String(readBytes(file, limit, what), StandardCharsets.UTF_8);
    }

    static String decode(byte[] bytes, String what) throws NotTextException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new NotTextException(what);
        }
    }

    private static String size(int bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }
}
